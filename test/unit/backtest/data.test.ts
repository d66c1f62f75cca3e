import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadData, parseDataSpec } from '../../../src/core/backtest/data'

const dir = mkdtempSync(join(tmpdir(), 'keel-bt-data-'))
const csv = (name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}
const M = 60_000
const T = 1_700_000_040_000

describe('backtest data', () => {
  it('a bad CSV row is refused with its line number', () => {
    const path = csv('bad.csv', `timestamp,open,high,low,close,volume\n${T},1,2,0.5,1.5,10\n${T + M},1,2,0.5,1.5,10\n${T + 2 * M},1,x,0.5,1.5,10\n`)
    expect(() => loadData(parseDataSpec(path), { dataDir: dir })).toThrow(/bad\.csv: line 4: high "x" is not a number/)
    const inconsistent = csv('inconsistent.csv', `timestamp,open,high,low,close,volume\n${T},1,2,0.5,1.5,10\n${T + M},3,2,0.5,1.5,10\n`)
    expect(() => loadData(parseDataSpec(inconsistent), { dataDir: dir })).toThrow(/line 3: inconsistent candle/)
  })

  it('a CSV from a pipe is read as a file is (one pass); a range that is not a time is refused', async () => {
    const rows = [0, 1, 2, 3].map((k) => `${T + k * M},1,2,0.5,1.5,10`)
    const path = csv('piped.csv', `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`)
    const fromFile = loadData(parseDataSpec(path), { dataDir: dir })
    if (process.platform !== 'win32') {
      const fifo = join(dir, 'pipe.csv')
      execFileSync('mkfifo', [fifo])
      const writer = spawn('sh', ['-c', `cat "${path}" > "${fifo}"`], { stdio: 'ignore' })
      const exited = new Promise((resolve) => writer.once('exit', resolve))
      const fromPipe = loadData(parseDataSpec(fifo), { dataDir: dir })
      await exited
      expect(fromPipe.series.time).toEqual(fromFile.series.time)
      expect(fromPipe.series.close).toEqual(fromFile.series.close)
    }
    expect(() => loadData(parseDataSpec(path), { dataDir: dir, from: Number.NaN })).toThrow(/from must be a time in epoch ms, got NaN/)
    expect(() => loadData(parseDataSpec(path), { dataDir: dir, to: Number.POSITIVE_INFINITY })).toThrow(/to must be a time in epoch ms, got Infinity/)
  })

  it('gaps are reported with their first and last missing candle', () => {
    const rows = [0, 1, 2, 5, 6, 9].map((k) => `${T + k * M},1,2,0.5,1.5,10`)
    const path = csv('gaps.csv', `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`)
    const { info, series } = loadData(parseDataSpec(path), { dataDir: dir })
    expect(series.length).toBe(6)
    expect(info.timeframe).toBe('1m')
    expect(info.gaps).toEqual([
      { from: T + 3 * M, to: T + 4 * M, missing: 2 },
      { from: T + 7 * M, to: T + 8 * M, missing: 2 }
    ])
  })

  it('from/to cut the range; an empty range is a clear error', () => {
    const rows = [0, 1, 2, 3].map((k) => `${T + k * M},1,2,0.5,1.5,10`)
    const path = csv('range.csv', `${rows.join('\n')}\n`)
    expect(loadData(parseDataSpec(path), { dataDir: dir, from: T + M, to: T + 3 * M }).series.time).toEqual(new Float64Array([T + M, T + 2 * M]))
    expect(() => loadData(parseDataSpec(path), { dataDir: dir, from: T + 10 * M })).toThrow(/no candles in/)
  })

  it('specs: exchange:SYMBOL:timeframe and demo history', () => {
    expect(parseDataSpec('binance:BTC/USDT:1h')).toEqual({ kind: 'store', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' })
    expect(() => parseDataSpec('binance:BTC/USDT:3h')).toThrow(/timeframe "3h"/)
    expect(() => loadData(parseDataSpec('binance:BTC/USDT:1h'), { dataDir: dir })).toThrow(/no market.db/)
    const demo = loadData(parseDataSpec('demo:ETH/USDT:1h'), { dataDir: dir, from: Date.UTC(2026, 5, 1), to: Date.UTC(2026, 5, 2) })
    expect(demo.series.length).toBe(24)
    expect(demo.info.gaps).toEqual([])
  })
})
