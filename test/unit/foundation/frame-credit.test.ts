import { afterEach, describe, expect, it, vi } from 'vitest'
import { ClientFanout, MAX_ORDERED, type FanoutFrame } from '../../../src/main/client-fanout'
import { FRAME_ACK_STALL_MS, FrameCredit } from '../../../src/main/frame-credit'

// The Electron bridge's flow control, wired as ipc-bridge.ts wires it: the fan-out may deliver
// to a renderer (a webContents id) only when the previous frame was acked.

afterEach(() => vi.useRealTimers())

function bridge(target: () => number) {
  const credit = new FrameCredit(() => Date.now())
  const sent: { target: number; frames: FanoutFrame[] }[] = []
  const fanout = new ClientFanout({
    isReady: () => credit.ready(target()),
    deliver: (frames) => {
      sent.push({ target: target(), frames })
      credit.sent(target())
    },
    frameMs: 16
  })
  return { credit, sent, fanout }
}

describe('FrameCredit with the fan-out', () => {
  it('sends a renderer that never acks one frame, holds the rest within the fan-out bounds, and resyncs it once it reads again', () => {
    vi.useFakeTimers()
    const { credit, sent, fanout } = bridge(() => 7)
    const offered = 3 * MAX_ORDERED
    for (let i = 0; i < offered; i++) {
      fanout.offer('orderUpdated', { n: i })
      if (i % 500 === 0) vi.advanceTimersByTime(16)
    }
    vi.advanceTimersByTime(FRAME_ACK_STALL_MS - 1_000)
    expect(sent).toHaveLength(1) // the first frame only: no ack came back
    credit.acked(8) // another page's ack does not release this one
    vi.advanceTimersByTime(16)
    expect(sent).toHaveLength(1)
    credit.acked(7)
    vi.advanceTimersByTime(16)
    expect(sent).toHaveLength(2)
    const resync = sent[1]?.frames.find((f) => f.event === 'resync')
    // Whatever was held past the fan-out's cap is dropped and announced, never buffered.
    const first = sent[0]!.frames.length
    const delivered = first + sent[1]!.frames.filter((f) => f.event === 'orderUpdated').length
    expect(resync?.payload).toMatchObject({ reason: 'queue_overflow' })
    expect((resync?.payload as { dropped: number }).dropped).toBeGreaterThan(0)
    expect(delivered).toBeLessThan(offered)
  })

  it('writes off a frame never acked (the page reloaded) after the stall time, so events resume', () => {
    vi.useFakeTimers()
    const { sent, fanout } = bridge(() => 7)
    fanout.offer('orderUpdated', { n: 1 })
    vi.advanceTimersByTime(16)
    fanout.offer('orderUpdated', { n: 2 })
    vi.advanceTimersByTime(FRAME_ACK_STALL_MS - 100)
    expect(sent).toHaveLength(1)
    vi.advanceTimersByTime(200)
    expect(sent).toHaveLength(2)
    expect(sent[1]?.frames.map((f) => f.payload)).toEqual([{ n: 2 }])
  })

  it('does not hold a new window back for the old one’s missing ack', () => {
    vi.useFakeTimers()
    let target = 7
    const { sent, fanout } = bridge(() => target)
    fanout.offer('orderUpdated', { n: 1 })
    vi.advanceTimersByTime(16)
    target = 9
    fanout.offer('orderUpdated', { n: 2 })
    vi.advanceTimersByTime(16)
    expect(sent.map((s) => s.target)).toEqual([7, 9])
  })
})
