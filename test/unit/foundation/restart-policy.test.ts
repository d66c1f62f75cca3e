import { describe, expect, it } from 'vitest'
import { RestartPolicy, type RestartPolicyOptions } from '../../../src/main/supervisor/restart-policy'

const options: RestartPolicyOptions = { maxRestarts: 3, windowMs: 60_000, baseDelayMs: 200, maxDelayMs: 1_000, stableAfterMs: 10_000, coolDownMs: 30_000 }

describe('RestartPolicy', () => {
  it('restarts a worker that ran stably at once, then backs off exponentially with jitter', () => {
    const policy = new RestartPolicy(options, () => 1) // jitter at its maximum
    expect(policy.onFailure(0, 60_000)).toEqual({ kind: 'restart', delayMs: 0 })
    expect(policy.onFailure(100, 50)).toEqual({ kind: 'restart', delayMs: 200 })
    expect(policy.onFailure(400, 50)).toEqual({ kind: 'restart', delayMs: 400 })
  })

  it('applies equal jitter: half the backoff is fixed', () => {
    const policy = new RestartPolicy({ ...options, maxRestarts: 10 }, () => 0)
    policy.onFailure(0, 0)
    expect(policy.onFailure(1, 0)).toEqual({ kind: 'restart', delayMs: 100 })
    expect(policy.onFailure(2, 0)).toEqual({ kind: 'restart', delayMs: 200 })
  })

  it('caps the backoff at maxDelayMs', () => {
    const policy = new RestartPolicy({ ...options, maxRestarts: 100 }, () => 1)
    let last = 0
    for (let i = 0; i < 20; i++) {
      const d = policy.onFailure(i, 0)
      if (d.kind === 'restart') last = d.delayMs
    }
    expect(last).toBe(1_000)
  })

  it('opens the circuit past maxRestarts within the window', () => {
    const policy = new RestartPolicy(options, () => 0.5)
    for (let i = 0; i < 3; i++) expect(policy.onFailure(i * 1000, 10).kind).toBe('restart')
    expect(policy.onFailure(5_000, 10)).toEqual({ kind: 'open', retryAt: 35_000 })
  })

  it('forgets restarts older than the window', () => {
    const policy = new RestartPolicy(options, () => 0.5)
    for (let i = 0; i < 3; i++) policy.onFailure(i, 10)
    expect(policy.onFailure(70_000, 10).kind).toBe('restart')
  })

  it('half-open: one quick failure reopens, a stable run closes the circuit', () => {
    const policy = new RestartPolicy(options, () => 0.5)
    for (let i = 0; i < 4; i++) policy.onFailure(i, 10)
    policy.beginHalfOpen()
    expect(policy.onFailure(40_000, 500)).toEqual({ kind: 'open', retryAt: 70_000 })
    policy.beginHalfOpen()
    expect(policy.onFailure(80_000, 20_000)).toEqual({ kind: 'restart', delayMs: 0 })
  })
})
