import { describe, expect, it } from 'vitest'
import { HostClock } from '../../../src/main/supervisor/host-clock'

describe('HostClock', () => {
  const make = () => {
    let wall = 1_000
    const clock = new HostClock(250, 1_000, () => wall)
    return { clock, advance: (ms: number) => (wall += ms) }
  }

  it('counts ordinary gaps as running time', () => {
    const { clock, advance } = make()
    for (let i = 0; i < 8; i++) {
      advance(250)
      clock.now()
    }
    expect(clock.now()).toBe(2_000)
    expect(clock.stalls).toBe(0)
  })

  it('counts a gap longer than the stall limit as zero (a SIGSTOP of the host)', () => {
    const { clock, advance } = make()
    advance(300)
    clock.now()
    advance(5_000)
    expect(clock.now()).toBe(300)
    advance(200)
    expect(clock.now()).toBe(500)
    expect(clock.stalls).toBe(1)
    expect(clock.longestStallMs).toBe(5_000)
  })

  it('stops counting between pause and resume (a laptop suspend)', () => {
    const { clock, advance } = make()
    advance(100)
    clock.pause()
    advance(500)
    expect(clock.now()).toBe(100)
    advance(500)
    clock.resume()
    advance(100)
    expect(clock.now()).toBe(200)
  })
})
