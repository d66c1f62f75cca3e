import { afterEach, describe, expect, it, vi } from 'vitest'
import { ClientFanout, type FanoutFrame } from '../../../src/main/client-fanout'

afterEach(() => vi.useRealTimers())

describe('ClientFanout ordered queue', () => {
  it('drops the queue of a client that falls too far behind and tells it to resync, once', () => {
    vi.useFakeTimers()
    let ready = false
    const frames: FanoutFrame[][] = []
    const fanout = new ClientFanout({ deliver: (f) => frames.push(f), isReady: () => ready, frameMs: 16, maxOrdered: 100 })
    for (let i = 0; i < 250; i++) {
      fanout.offer('orderUpdated', { n: i })
      if (i % 10 === 0) vi.advanceTimersByTime(16)
    }
    expect(frames).toHaveLength(0)
    ready = true
    vi.advanceTimersByTime(16)
    const [frame] = frames
    // 250 offered, queue of 100: dropped at 100 and 200; the last 50 are still current.
    expect(frame?.[0]).toEqual({ event: 'resync', payload: { reason: 'queue_overflow', dropped: 200 } })
    expect(frame?.slice(1).map((f) => (f.payload as { n: number }).n)).toEqual(Array.from({ length: 50 }, (_, i) => 200 + i))
    fanout.offer('orderUpdated', { n: 250 })
    vi.advanceTimersByTime(16)
    expect(frames[1]).toEqual([{ event: 'orderUpdated', payload: { n: 250 } }])
    expect(fanout.resyncs).toBe(1)
  })

  it('keeps every ordered event of a client that keeps up', () => {
    vi.useFakeTimers()
    const frames: FanoutFrame[][] = []
    const fanout = new ClientFanout({ deliver: (f) => frames.push(f), frameMs: 16, maxOrdered: 100 })
    for (let i = 0; i < 1_000; i++) {
      fanout.offer('fillCreated', { n: i })
      if (i % 50 === 49) vi.advanceTimersByTime(16)
    }
    const all = frames.flat()
    expect(all.map((f) => (f.payload as { n: number }).n)).toEqual(Array.from({ length: 1_000 }, (_, i) => i))
    expect(all.some((f) => f.event === 'resync')).toBe(false)
  })
})
