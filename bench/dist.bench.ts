import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { buildDiagnostics } from '../src/main/diagnostics'
import { silentLogger } from '../src/main/logger'
import { KeelMetrics } from '../src/main/metrics'
import { SettingsStore } from '../src/main/settings-store'
import type { HealthReport } from '../src/shared/health'
import { DEFAULT_SETTINGS } from '../src/shared/settings'
import { summarize } from './stats'

/**
 * The dist area's costs on the host: a /metrics scrape, a settings save (atomic write + fsync)
 * and a diagnostics export of large logs, with the host's event-loop delay while it zips.
 */
const HEALTH: HealthReport = {
  workers: ['execution', 'market', 'ai', 'strategy'].map((name, i) => ({
    name,
    pid: 1000 + i,
    state: 'running',
    restarts: i,
    uptimeMs: 60_000,
    lastHeartbeatAgeMs: 120,
    eventLoopDelayMs: 1.5,
    rssBytes: 80 << 20,
    lastCrash: null,
    retryAt: null
  })),
  host: { mode: 'headless', pid: 999, version: '0.1.0', uptimeMs: 60_000, rssBytes: 150 << 20, cpuPercent: 3, eventLoopDelayMs: 1, dataDir: '/tmp' },
  crashes: [],
  exchanges: Array.from({ length: 20 }, (_, i) => ({ exchange: `ex${i}`, latencyMs: 40, errorRate: 0, lastMessageAgeMs: 300, rateLimitHits: 0, reconnects: 0, status: 'ok' as const }))
}

async function metricsScrape(): Promise<Record<string, unknown>> {
  const m = new KeelMetrics({ health: () => HEALTH, wsClients: () => 3 })
  for (let i = 0; i < 10_000; i++) m.observeCall('placeOrder', Math.random() * 20, null)
  const samples: number[] = []
  let bytes = 0
  for (let i = 0; i < 300; i++) {
    const t = performance.now()
    bytes = (await m.render()).body.length
    samples.push(performance.now() - t)
  }
  const t = performance.now()
  for (let i = 0; i < 100_000; i++) m.observeCall('placeOrder', 3, null)
  return { renderMs: summarize(samples), bodyBytes: bytes, observeCallNs: Math.round(((performance.now() - t) / 100_000) * 1e6) }
}

function settingsSave(dir: string): Record<string, unknown> {
  const store = new SettingsStore(dir, silentLogger)
  const samples: number[] = []
  for (let i = 0; i < 200; i++) {
    const t = performance.now()
    store.update({ risk: { maxOpenOrders: 100 + i } })
    samples.push(performance.now() - t)
  }
  return { updateMs: summarize(samples) }
}

async function diagnostics(dir: string): Promise<Record<string, unknown>> {
  mkdirSync(join(dir, 'logs'), { recursive: true })
  const line = '[2026-12-01 10:00:00.000] [info] order k-0123 filled 0.001 BTC/USDT at 64000.12 fee 0.064 USDT\n'
  for (const name of ['main', 'execution', 'market', 'ai', 'strategy']) writeFileSync(join(dir, 'logs', `${name}.log`), line.repeat(Math.ceil((5 << 20) / line.length)))
  const loop = monitorEventLoopDelay({ resolution: 5 })
  loop.enable()
  const t = performance.now()
  const { zip, files } = await buildDiagnostics({ dataDir: dir, health: HEALTH, versions: { keel: '0.1.0' }, settings: DEFAULT_SETTINGS, secrets: ['test-token-0123456789'] })
  const ms = performance.now() - t
  loop.disable()
  return { exportMs: Math.round(ms), logInputMiB: 25, zipBytes: zip.length, files: files.length, hostLoopDelayMaxMs: Math.round(loop.max / 1e6), hostLoopDelayP99Ms: Math.round(loop.percentile(99) / 1e6) }
}

export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-dist-'))
  try {
    return { metrics: await metricsScrape(), settings: settingsSave(dir), diagnostics: await diagnostics(dir) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
