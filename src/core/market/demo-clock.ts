/**
 * The demo market's clock, which tests can speed up: with `KEEL_DEMO_SPEED=N` the demo's time
 * runs N× faster than the wall clock, so its 1-minute candles close every 60/N seconds. Every
 * process reads market time from the same function of the wall clock,
 *
 *   demo time = epoch + (wall time − epoch) × speed,
 *
 * with `epoch` fixed once by the host when it starts (`KEEL_DEMO_EPOCH`, handed to every worker),
 * so candles, tickers, trades, history, bots, AI signals and order times agree across processes
 * and across a worker's restart. Unset, market time is `Date.now` itself.
 */

export const DEMO_SPEED_ENV = 'KEEL_DEMO_SPEED'
export const DEMO_EPOCH_ENV = 'KEEL_DEMO_EPOCH'
/** Beyond this a 100 ms tick of the market worker covers more than 12 s of market time. */
export const MAX_DEMO_SPEED = 120

export interface DemoClockSetting {
  speed: number
  epoch: number
}

/** The speed asked for, or undefined when unset (real time); throws a readable Error on a bad value. */
export function parseDemoSpeed(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined
  const speed = Number(raw)
  if (!Number.isFinite(speed) || speed < 1 || speed > MAX_DEMO_SPEED) {
    throw new Error(`${DEMO_SPEED_ENV} must be a number from 1 to ${MAX_DEMO_SPEED} (how many times faster the demo market's clock runs), got "${raw}"`)
  }
  return speed
}

function parseEpoch(raw: string | undefined, wallNow: number): number {
  const epoch = Number(raw)
  // A minute of slack: the host and a worker read the wall clock at slightly different moments.
  if (raw === undefined || !/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(epoch) || epoch > wallNow + 60_000) {
    throw new Error(`${DEMO_EPOCH_ENV} must be a time in ms since 1970 that is not in the future (the host sets it when ${DEMO_SPEED_ENV} is set), got "${raw}"`)
  }
  return epoch
}

/**
 * The host's half: validates the setting once at start-up and returns the variables every
 * worker gets ({} when the demo runs in real time). A given `KEEL_DEMO_EPOCH` is kept, so a test
 * can know the market's time without asking; otherwise the epoch is now.
 */
export function demoClockEnv(env: NodeJS.ProcessEnv, wallNow: number): Record<string, string> {
  const speed = parseDemoSpeed(env[DEMO_SPEED_ENV])
  if (speed === undefined) return {}
  const epoch = env[DEMO_EPOCH_ENV] === undefined ? wallNow : parseEpoch(env[DEMO_EPOCH_ENV], wallNow)
  return { [DEMO_SPEED_ENV]: String(speed), [DEMO_EPOCH_ENV]: String(epoch) }
}

/** The setting a worker was given, or undefined for real time; throws a readable Error on a bad value. */
export function demoClockSetting(env: NodeJS.ProcessEnv, wallNow = Date.now()): DemoClockSetting | undefined {
  const speed = parseDemoSpeed(env[DEMO_SPEED_ENV])
  if (speed === undefined) return undefined
  return { speed, epoch: parseEpoch(env[DEMO_EPOCH_ENV], wallNow) }
}

/** Market time at a wall-clock time. */
export function demoTimeAt(wall: number, setting: DemoClockSetting): number {
  return Math.floor(setting.epoch + (wall - setting.epoch) * setting.speed)
}

/** The market clock of a worker: `Date.now` itself unless the demo is sped up. */
export function marketClockFromEnv(env: NodeJS.ProcessEnv, wall: () => number = Date.now): () => number {
  const setting = demoClockSetting(env, wall())
  if (!setting) return wall
  return () => demoTimeAt(wall(), setting)
}
