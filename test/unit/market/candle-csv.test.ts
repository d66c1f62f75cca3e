import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Candle } from '../../../src/shared/market-data'
import { CandleCsvError, parseCandleCsv, readCandleCsvFile } from '../../../src/core/market/candle-csv'

// The CSV parser reads a row's cells where they stand instead of splitting and trimming them.
// Here it is judged against the plain rules written the obvious way (split the lines, trim,
// split the cells, trim each, check each column), over hostile random files: both must give
// the same candles, or fail on the same line with the same message.

const COLUMNS = ['timestamp', 'open', 'high', 'low', 'close', 'volume']

function referenceParse(text: string): Candle[] {
  const fail = (line: number, reason: string): never => {
    throw new CandleCsvError(line, reason)
  }
  const candles: Candle[] = []
  const lines = text.split(/\r?\n/)
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index].trim()
    const line = index + 1
    if (raw === '' || raw.startsWith('#')) continue
    const cells = raw.split(/[,;\t]/).map((cell) => cell.trim())
    if (candles.length === 0 && /^[a-z_ ]+$/i.test(cells[0]) && Number.isNaN(Number(cells[1]))) continue
    if (cells.length < 6) fail(line, `expected 6 columns (${COLUMNS.join(',')}), got ${cells.length}`)
    let time: number
    const numeric = Number(cells[0])
    if (cells[0] !== '' && Number.isFinite(numeric)) {
      if (numeric < 0) fail(line, `timestamp ${cells[0]} is negative`)
      time = numeric < 1e11 ? Math.round(numeric * 1000) : Math.round(numeric)
    } else {
      time = Date.parse(cells[0])
      if (Number.isNaN(time)) fail(line, `timestamp "${cells[0]}" is neither epoch ms/s nor an ISO date`)
    }
    const values: number[] = []
    for (let k = 1; k <= 5; k++) {
      const value = Number(cells[k])
      if (cells[k] === '' || !Number.isFinite(value)) fail(line, `${COLUMNS[k]} "${cells[k]}" is not a number`)
      if (k === 5 ? value < 0 : value <= 0) fail(line, `${COLUMNS[k]} must be ${k === 5 ? 'zero or more' : 'positive'}, got ${value}`)
      values.push(value)
    }
    const [open, high, low, close, volume] = values
    if (high < Math.max(open, close, low) || low > Math.min(open, close)) {
      fail(line, `inconsistent candle: need low ≤ open, close ≤ high (o=${open} h=${high} l=${low} c=${close})`)
    }
    const previous = candles[candles.length - 1]
    if (previous && time <= previous[0]) fail(line, `timestamp ${new Date(time).toISOString()} is not after the previous row's`)
    candles.push([time, open, high, low, close, volume])
  }
  if (candles.length === 0) fail(lines.length, 'no candle rows found')
  return candles
}

function outcome(parse: (text: string) => Candle[], text: string): { candles: Candle[] } | { line: number; message: string } {
  try {
    return { candles: parse(text) }
  } catch (err) {
    if (!(err instanceof CandleCsvError)) throw err
    return { line: err.line, message: err.message }
  }
}

/** A seeded generator, so a failing file can be rebuilt from its seed. */
function random(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state / 2 ** 32
  }
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]
  return { next, pick }
}

const BLANKS = ['', '', '', ' ', '  ', '\t', '\u00a0', '\ufeff', '\u2003']
const ODD_NUMBERS = ['', ' ', 'x', 'NaN', 'Infinity', '-Infinity', '0x10', '0b11', '1_0', '1e400', '-1', '0', '-0', '+3', '.5', '5.', '1,5', '١']
const ODD_TIMES = ['', 'yesterday', '-5', '2025-01-01T00:00:00Z', '2025-13-40', '1e11', '99999999999', 'Infinity', '0x1F']
const SEPARATORS = [',', ',', ',', ';', '\t']
const ENDINGS = ['\n', '\n', '\r\n', '\r\r\n', '\r', ' \n']
const CLEAN_BLANKS = BLANKS.filter((b) => b !== '\t')
const CLEAN_ENDINGS = ENDINGS.filter((e) => e !== '\r')

/** One number written in one of the ways a file may write it: short, padded, long, with an exponent. */
function spelled(x: number, u: number): string {
  if (u < 0.6) return String(x)
  if (u < 0.7) return `00${x}`
  if (u < 0.8) return x.toFixed(Math.floor(u * 100) % 17)
  if (u < 0.85) return x.toPrecision(17 + (Math.floor(u * 1000) % 5))
  if (u < 0.9) return x.toExponential()
  if (u < 0.95) return String(x + 1e-13)
  if (u < 0.97) return Number.isInteger(x) ? `${x}.000` : `${x}0`
  // Plain digits all the same, but too many: Infinity, or a value rounded past 15 digits.
  return u < 0.985 ? '9'.repeat(309 + (Math.floor(u * 1e4) % 3)) : `${'1'.repeat(25)}.${'7'.repeat(30)}`
}

/**
 * A random file. Each kind of trouble is switched on or off per file, so that files with odd
 * values but no blanks (rows the fast path reads, rules broken) occur as often as the others.
 */
function hostileFile(seed: number): string {
  const { next, pick } = random(seed)
  const trouble = { blanks: next() < 0.5, values: next() < 0.5, structure: next() < 0.5 }
  const rows: string[] = []
  // Epoch ms, or a plain integer below 1e11, which is read as seconds.
  let time = next() < 0.8 ? 1_700_000_000_000 : 50_000_000_000
  const rowCount = 1 + Math.floor(next() * 12)
  for (let r = 0; r < rowCount; r++) {
    const kind = trouble.structure ? next() : 1
    if (kind < 0.06) rows.push('')
    else if (kind < 0.1) rows.push(`${pick(BLANKS)}# a comment, 1, 2`)
    else if (kind < 0.16) rows.push(pick(['timestamp,open,high,low,close,volume', 'ts;o;h;l;c;v', 'Time\tOpen\tHigh\tLow\tClose\tVolume', 'date,1,2']))
    else rows.push(dataRow())
  }
  // A lone \r ends no line: in a file without structural trouble it would join two rows.
  const ending = () => (trouble.structure ? pick(ENDINGS) : pick(CLEAN_ENDINGS))
  return rows.map((row) => `${row}${ending()}`).join('') + (trouble.structure && next() < 0.3 ? (rows[0] ?? '') : '')

  function dataRow(): string {
    const odd = trouble.values
    time += odd ? pick([60_000, 60_000, 60_000, 0, -60_000, 120_000]) : pick([60_000, 120_000])
    // A low of 0 (and at times every price 0) keeps the rows consistent but not positive.
    const low = odd && next() < 0.05 ? 0 : 1 + Math.floor(next() * 100) / 10
    const high = low === 0 && next() < 0.5 ? 0 : low + Math.floor(next() * 50) / 10
    const open = odd ? pick([low, high, (low + high) / 2, high + 1]) : pick([low, high, (low + high) / 2])
    const close = odd ? pick([low, high, (low + high) / 2, low - 0.5]) : pick([low, high, (low + high) / 2])
    const volume = odd ? pick([0, 1.5, 20, -1]) : pick([0, 1.5, 20])
    const stamp = odd ? pick(['ms', 'ms', 'ms', 's', 'iso', 'odd']) : pick(['ms', 'ms', 's', 'iso'])
    const timeCell = stamp === 'ms' ? String(time) : stamp === 's' ? String(time / 1000) : stamp === 'iso' ? new Date(time).toISOString() : pick(ODD_TIMES)
    const cells = [timeCell, ...[open, high, low, close, volume].map((x) => (odd && next() < 0.06 ? pick(ODD_NUMBERS) : spelled(x, next())))]
    const width = trouble.structure && next() < 0.1 ? Math.floor(next() * 9) : 6
    // A tab among the blanks is a separator too: without structural trouble it would shift the columns.
    const blank = () => (!trouble.blanks ? '' : trouble.structure ? pick(BLANKS) : pick(CLEAN_BLANKS))
    const row = Array.from({ length: width }, (_, k) => `${blank()}${cells[k] ?? String(k)}${blank()}`)
    return row.map((cell, k) => (k === 0 ? cell : `${pick(SEPARATORS)}${cell}`)).join('')
  }
}

describe('candle CSV parser against the plain rules', () => {
  it('gives the same candles, or the same failure on the same line, over 20,000 hostile files', () => {
    let parsed = 0
    let refused = 0
    for (let seed = 1; seed <= 20_000; seed++) {
      const text = hostileFile(seed)
      const expected = outcome(referenceParse, text)
      const actual = outcome(parseCandleCsv, text)
      expect(actual, `seed ${seed}: ${JSON.stringify(text)}`).toStrictEqual(expected)
      if ('candles' in expected) parsed++
      else refused++
    }
    // Both kinds of outcome are exercised many times.
    expect(parsed).toBeGreaterThan(2_000)
    expect(refused).toBeGreaterThan(2_000)
  })

  it('reads a file in chunks of any size the same: lines across chunks, lines longer than a chunk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-csv-'))
    try {
      const path = join(dir, 'candles.csv')
      const fromFile = (chunk: number) => (text: string) => {
        writeFileSync(path, text)
        const c = readCandleCsvFile(path, { chunkBytes: chunk })
        return Array.from({ length: c.length }, (_, i): Candle => [c.time[i], c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i]])
      }
      for (let seed = 1; seed <= 400; seed++) {
        const text = hostileFile(seed)
        const expected = outcome(referenceParse, text)
        for (const chunk of [1, 2, 3, 7, 64, 1 << 16]) expect(outcome(fromFile(chunk), text), `seed ${seed}, chunk ${chunk}`).toStrictEqual(expected)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses a chunk size that is not a whole number of bytes', () => {
    for (const chunkBytes of [0, -1, 1.5, Number.NaN]) expect(() => readCandleCsvFile('/nonexistent.csv', { chunkBytes })).toThrow(/chunkBytes must be a whole number ≥ 1/)
  })

  it('reads a long file of clean rows into the same numbers', () => {
    const rows = ['timestamp,open,high,low,close,volume']
    for (let i = 0; i < 5_000; i++) {
      const low = 100 + Math.sin(i) * 10
      rows.push(`${1_700_000_000_000 + i * 60_000},${low + 0.5},${low + 1},${low},${low + 0.25},${(i % 7) * 0.1}`)
    }
    const text = `${rows.join('\r\n')}\r\n`
    const candles = parseCandleCsv(text)
    expect(candles).toHaveLength(5_000)
    expect(candles).toStrictEqual(referenceParse(text))
    expect(candles[4_999]).toStrictEqual([1_700_000_000_000 + 4_999 * 60_000, 100 + Math.sin(4_999) * 10 + 0.5, 100 + Math.sin(4_999) * 10 + 1, 100 + Math.sin(4_999) * 10, 100 + Math.sin(4_999) * 10 + 0.25, (4_999 % 7) * 0.1])
  })
})
