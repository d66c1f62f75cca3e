import { loadData } from '../src/core/backtest/data'
import { benchCandles, engineRun } from './backtest-fixture'

/**
 * One 1M-candle backtest alone in this process, for bench/backtest.bench.ts: its memory is this
 * run's, not a high-water over every variant the parent measured. Prints one JSON line.
 * Usage: tsx bench/backtest-child.ts <next-open|book> [candles]
 *        tsx bench/backtest-child.ts csv <file>   (the CLI's way: the candles read from a CSV file)
 */

const MiB = 2 ** 20

async function main(): Promise<void> {
  const fromCsv = process.argv[2] === 'csv'
  const fill = process.argv[2] === 'book' ? 'book' : 'next-open'
  const count = Number(process.argv[3] ?? 1_000_000)
  const loaded = process.memoryUsage().rss
  const readStart = performance.now()
  const series = fromCsv ? loadData({ kind: 'csv', path: process.argv[3] }, { dataDir: '.' }).series : benchCandles(count)
  const readMs = Math.round(performance.now() - readStart)
  const withData = process.memoryUsage().rss
  const run = await engineRun(series, { fill })
  const heap = process.memoryUsage()
  process.stdout.write(
    `${JSON.stringify({
      fill,
      candles: series.length,
      ...(fromCsv ? { csvReadMs: readMs } : {}),
      ms: run.ms,
      trades: run.trades,
      /** Peak resident set of the whole process: runtime, tsx, code, the candles and the run. */
      maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      /** Before the candles were made: the runtime, tsx and the loaded modules. */
      rssLoadedMiB: Math.round(loaded / MiB),
      rssWithCandlesMiB: Math.round(withData / MiB),
      heapUsedAfterMiB: Math.round(heap.heapUsed / MiB),
      arrayBuffersMiB: Math.round(heap.arrayBuffers / MiB)
    })}\n`
  )
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})
