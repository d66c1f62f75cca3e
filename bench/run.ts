import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cpus, totalmem } from 'node:os'

// npm run bench [-- name …]: runs each bench module, prints one JSON document and keeps a copy
// in bench/results/latest.json. Benches measure; tests never assert on timings.
const UI_BENCH = './ui.bench'
const BENCHES: Record<string, () => Promise<{ run(): Promise<Record<string, unknown>> }>> = {
  supervisor: () => import('./supervisor.bench'),
  engine: () => import('./engine.bench'),
  market: () => import('./market.bench'),
  ticks: () => import('./ticks.bench'),
  orders: () => import('./orders.bench'),
  // Drives a browser (DOM types): type-checked by tsconfig.browser.json, so loaded by a path the
  // Node project does not follow.
  ui: () => import(UI_BENCH),
  storage: () => import('./storage.bench'),
  dist: () => import('./dist.bench'),
  strategy: () => import('./strategy.bench'),
  ai: () => import('./ai.bench'),
  backtest: () => import('./backtest.bench'),
  slowclients: () => import('./slow-clients.bench'),
  replay: () => import('./replay.bench')
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'))
  const names = wanted.length ? wanted : Object.keys(BENCHES)
  const results: Record<string, unknown> = {
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    at: new Date().toISOString()
  }
  for (const name of names) {
    const load = BENCHES[name]
    if (!load) throw new Error(`unknown bench "${name}"; known: ${Object.keys(BENCHES).join(', ')}`)
    process.stderr.write(`bench ${name}…\n`)
    results[name] = await (await load()).run()
  }
  const json = JSON.stringify(results, null, 2)
  mkdirSync(join(__dirname, 'results'), { recursive: true })
  writeFileSync(join(__dirname, 'results', 'latest.json'), json)
  process.stdout.write(`${json}\n`)
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})
