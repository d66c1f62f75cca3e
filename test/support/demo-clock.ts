/**
 * A sped-up demo market for tests that wait for candles (KEEL_DEMO_SPEED, docs/market-data.md).
 * The test fixes the epoch itself, so it knows the market's time from the wall clock by the
 * documented formula instead of asking Keel: demo = epoch + (wall − epoch) × speed.
 */
export interface FastDemo {
  speed: number
  env: NodeJS.ProcessEnv
  /** The demo market's time now. */
  now(): number
  /** The wall-clock time at which the demo market's clock reads `demoTime`. */
  wallAt(demoTime: number): number
  /** Wall-clock ms that `demoMs` of market time take, plus `slackMs` for a loaded machine. */
  wallMs(demoMs: number, slackMs?: number): number
}

export function fastDemo(speed: number, epoch = Date.now()): FastDemo {
  return {
    speed,
    env: { ...process.env, KEEL_DEMO_SPEED: String(speed), KEEL_DEMO_EPOCH: String(epoch) },
    now: () => Math.floor(epoch + (Date.now() - epoch) * speed),
    wallAt: (demoTime) => epoch + (demoTime - epoch) / speed,
    wallMs: (demoMs, slackMs = 20_000) => Math.ceil(demoMs / speed) + slackMs
  }
}
