import { describe, expect, it } from 'vitest'
import { demoClockEnv, demoClockSetting, demoTimeAt, marketClockFromEnv, parseDemoSpeed } from '../../../src/core/market/demo-clock'

const WALL = 1_800_000_000_000

describe('the demo clock setting', () => {
  it('is real time when unset: market time is Date.now itself, and the host adds nothing', () => {
    expect(parseDemoSpeed(undefined)).toBeUndefined()
    expect(parseDemoSpeed('')).toBeUndefined()
    expect(marketClockFromEnv({})).toBe(Date.now)
    expect(demoClockEnv({}, WALL)).toEqual({})
    expect(demoClockSetting({})).toBeUndefined()
  })

  it('refuses a bad speed with the variable, the range and the value, never a silent default', () => {
    for (const bad of ['abc', '0', '0.5', '-3', '121', 'Infinity', 'NaN', '1e999', '20x']) {
      expect(() => parseDemoSpeed(bad), bad).toThrow(`KEEL_DEMO_SPEED must be a number from 1 to 120 (how many times faster the demo market's clock runs), got "${bad}"`)
      expect(() => demoClockEnv({ KEEL_DEMO_SPEED: bad }, WALL), bad).toThrow('KEEL_DEMO_SPEED')
    }
    expect(parseDemoSpeed('1')).toBe(1)
    expect(parseDemoSpeed(' 20 ')).toBe(20)
    expect(parseDemoSpeed('2.5')).toBe(2.5)
    expect(parseDemoSpeed('120')).toBe(120)
  })

  it('has the host fix the epoch once (now, or the one given) for every worker', () => {
    expect(demoClockEnv({ KEEL_DEMO_SPEED: '20' }, WALL)).toEqual({ KEEL_DEMO_SPEED: '20', KEEL_DEMO_EPOCH: String(WALL) })
    expect(demoClockEnv({ KEEL_DEMO_SPEED: '20', KEEL_DEMO_EPOCH: String(WALL - 5_000) }, WALL)).toEqual({ KEEL_DEMO_SPEED: '20', KEEL_DEMO_EPOCH: String(WALL - 5_000) })
    for (const bad of ['', 'soon', '-1', '1.5', String(WALL + 3_600_000)]) {
      expect(() => demoClockEnv({ KEEL_DEMO_SPEED: '20', KEEL_DEMO_EPOCH: bad }, WALL), bad).toThrow(`KEEL_DEMO_EPOCH must be a time in ms since 1970 that is not in the future`)
    }
  })

  it('makes a worker without the host epoch fail loudly', () => {
    expect(() => demoClockSetting({ KEEL_DEMO_SPEED: '20' }, WALL)).toThrow('KEEL_DEMO_EPOCH')
  })

  it('runs market time `speed` times faster from the epoch (hand-computed)', () => {
    const setting = { speed: 20, epoch: WALL }
    expect(demoTimeAt(WALL, setting)).toBe(WALL)
    expect(demoTimeAt(WALL + 3_000, setting)).toBe(WALL + 60_000) // a 1-minute candle every 3 s
    expect(demoTimeAt(WALL + 1, { speed: 2.5, epoch: WALL })).toBe(WALL + 2) // floored: 2.5 ms
    let wall = WALL + 10_000
    const clock = marketClockFromEnv({ KEEL_DEMO_SPEED: '20', KEEL_DEMO_EPOCH: String(WALL) }, () => wall)
    expect(clock()).toBe(WALL + 200_000)
    wall += 500
    expect(clock()).toBe(WALL + 210_000)
  })
})
