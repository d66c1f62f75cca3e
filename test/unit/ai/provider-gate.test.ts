import { describe, expect, it } from 'vitest'
import { ProviderGate } from '../../../src/core/ai/tasks/provider-gate'

// The provider gate on a clock the test holds: starts spaced by 60 000 / requestsPerMinute ms,
// no more than `concurrency` in flight, nothing before a retry-after has passed.
describe('ProviderGate', () => {
  it('spaces starts by the rate limit, counted from the later of now and the last slot', () => {
    const gate = new ProviderGate({ concurrency: 4, requestsPerMinute: 120 })
    expect(gate.waitMs(1_000)).toBe(0)
    gate.start(1_000)
    expect(gate.waitMs(1_000)).toBe(500)
    expect(gate.waitMs(1_499)).toBe(1)
    expect(gate.waitMs(1_500)).toBe(0)
    gate.start(1_500)
    // Started late: the next slot is 500 ms after this start, not after the missed slot.
    expect(gate.waitMs(2_700)).toBe(0)
    gate.start(2_700)
    expect(gate.waitMs(2_700)).toBe(500)
  })

  it('holds every start while all slots are busy, and frees one per finish', () => {
    const gate = new ProviderGate({ concurrency: 2, requestsPerMinute: 60_000 })
    gate.start(0)
    gate.start(1)
    expect(gate.waitMs(10)).toBe(Infinity)
    gate.finish()
    expect(gate.waitMs(10)).toBe(0)
  })

  it('starts nothing before a retry-after, and a later limit applies to the next slot', () => {
    const gate = new ProviderGate({ concurrency: 2, requestsPerMinute: 600 })
    gate.pause(5_000)
    expect(gate.waitMs(1_000)).toBe(4_000)
    gate.pause(2_000)
    expect(gate.waitMs(1_000)).toBe(4_000)
    expect(gate.waitMs(5_000)).toBe(0)
    gate.start(5_000)
    gate.configure({ concurrency: 2, requestsPerMinute: 60 })
    expect(gate.waitMs(5_000)).toBe(100)
    gate.start(5_100)
    gate.finish()
    expect(gate.waitMs(5_100)).toBe(1_000)
  })
})
