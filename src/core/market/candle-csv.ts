import { closeSync, openSync, readSync } from 'node:fs'
import type { Candle } from '../../shared/market-data'

/** A bad CSV row, with the 1-based line number so the user can find it. */
export class CandleCsvError extends Error {
  constructor(
    readonly line: number,
    reason: string
  ) {
    super(`line ${line}: ${reason}`)
    this.name = 'CandleCsvError'
  }
}

const COLUMNS = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const
const COMMA = 44
const SEMICOLON = 59
const TAB = 9

/** Parsed candles as six columns of `length` rows (views on one buffer). */
export interface CandleColumns {
  readonly length: number
  readonly time: Float64Array
  readonly open: Float64Array
  readonly high: Float64Array
  readonly low: Float64Array
  readonly close: Float64Array
  readonly volume: Float64Array
}

/** How much of a file is read at once: memory for the file stays this size, not the file's. */
const CHUNK_BYTES = 1 << 22
const NEWLINE = 10

/**
 * Parses `timestamp,open,high,low,close,volume` rows. The header is optional; timestamps may be
 * ms or s since epoch (values below 1e11 are taken as seconds) or ISO-8601 dates. Rows must be in
 * ascending time and internally consistent (low ≤ open/close ≤ high), or the parse fails on the
 * first bad line: replaying a silently repaired file would show the user a market that never was.
 *
 * A file is read in chunks twice: once to count its lines, which sizes the columns (a million
 * rows take 48 MB, and no array per row), then to parse them. Memory for the file itself stays at
 * one chunk. Each chunk's bytes are read one character each (latin1: a plain row is ASCII, and a
 * newline byte never occurs inside a multi-byte UTF-8 character, so lines fall where they do in
 * UTF-8). After the first candle, a plain row (see plainRow) is read straight from that text; any
 * other row, and a plain one that breaks a rule, is decoded as UTF-8, split, trimmed and checked
 * cell by cell, which words the refusal.
 */
export function readCandleCsvFile(path: string, chunkBytes = CHUNK_BYTES): CandleColumns {
  const fd = openSync(path, 'r')
  try {
    let lines = 1
    eachChunk(fd, chunkBytes, (bytes) => {
      lines += newlines(bytes)
      return bytes.length
    })
    const reader = new CandleCsvReader(lines)
    eachChunk(fd, chunkBytes, (bytes, last) => reader.read(bytes, last))
    return reader.done()
  } finally {
    closeSync(fd)
  }
}

/** The same rules over bytes already in memory. */
export function readCandleCsv(bytes: Buffer): CandleColumns {
  const reader = new CandleCsvReader(newlines(bytes) + 1)
  reader.read(bytes, true)
  return reader.done()
}

/** The same rules for a string, as one array per candle. */
export function parseCandleCsv(text: string): Candle[] {
  const c = readCandleCsv(Buffer.from(text, 'utf8'))
  return Array.from({ length: c.length }, (_, i): Candle => [c.time[i], c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i]])
}

function newlines(bytes: Buffer): number {
  let count = 0
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) count++
  return count
}

/**
 * Hands the file to `take` chunk by chunk from its start; `take` answers how many bytes it used
 * (whole lines), and the rest is handed again at the front of the next chunk. The last call has
 * `last` set and must use everything.
 */
function eachChunk(fd: number, chunkBytes: number, take: (bytes: Buffer, last: boolean) => number): void {
  let chunk = Buffer.allocUnsafe(chunkBytes)
  let kept = 0
  let position = 0
  for (;;) {
    // A line longer than a chunk: room for it and one more chunk.
    if (kept === chunk.length) chunk = Buffer.concat([chunk, Buffer.allocUnsafe(chunkBytes)])
    const read = readSync(fd, chunk, kept, chunk.length - kept, position)
    position += read
    const filled = kept + read
    const last = read === 0
    const used = take(chunk.subarray(0, filled), last)
    if (last) return
    chunk.copy(chunk, 0, used, filled)
    kept = filled - used
  }
}

/** Rows into columns, chunk by chunk, keeping the line number and the last candle across chunks. */
class CandleCsvReader {
  private readonly columns: CandleColumns
  private readonly plain = new Float64Array(COLUMNS.length)
  private length = 0
  private lineNo = 0

  constructor(private readonly capacity: number) {
    this.columns = allocateColumns(capacity)
  }

  private add(candle: ArrayLike<number>): void {
    // Only a file written to between the count and the parse has more rows than lines counted.
    if (this.length === this.capacity) throw new CandleCsvError(this.lineNo, `the file grew while it was read (past the ${this.capacity} lines counted); read it again`)
    const { time, open, high, low, close, volume } = this.columns
    const i = this.length++
    time[i] = candle[0]
    open[i] = candle[1]
    high[i] = candle[2]
    low[i] = candle[3]
    close[i] = candle[4]
    volume[i] = candle[5]
  }

  /** Reads the whole lines in `bytes` (all of them when `last`); answers how many bytes they took. */
  read(bytes: Buffer, last: boolean): number {
    // V8 reads a string's characters and slices faster than it calls a Buffer's methods.
    const text = bytes.toString('latin1')
    const { columns, plain } = this
    let start = 0
    for (;;) {
      let stop = text.indexOf('\n', start)
      if (stop === -1) {
        if (!last) return start
        stop = text.length
      }
      const from = start
      this.lineNo++
      const length = this.length
      if (length > 0 && plainRow(text, from, stop, plain) && plainCandle(plain) && plain[0] > columns.time[length - 1]) this.add(plain)
      else this.general(bytes, from, stop)
      start = stop + 1
      if (start > text.length) return text.length
    }
  }

  /** The general way: also a plain row that breaks a rule, which it then words. */
  private general(bytes: Buffer, from: number, stop: number): void {
    const raw = bytes.toString('utf8', from, stop).trim()
    if (raw === '' || raw.startsWith('#')) return
    const cells = raw.split(/[,;\t]/).map((cell) => cell.trim())
    if (this.length === 0 && isHeader(cells)) return
    const candle = parseRow(cells, this.lineNo)
    if (this.length > 0 && candle[0] <= this.columns.time[this.length - 1]) {
      throw new CandleCsvError(this.lineNo, `timestamp ${new Date(candle[0]).toISOString()} is not after the previous row's`)
    }
    this.add(candle)
  }

  done(): CandleColumns {
    const { length, columns } = this
    if (length === 0) throw new CandleCsvError(this.lineNo, 'no candle rows found')
    const used = (column: Float64Array) => column.subarray(0, length)
    return { length, time: used(columns.time), open: used(columns.open), high: used(columns.high), low: used(columns.low), close: used(columns.close), volume: used(columns.volume) }
  }
}

/** Six columns of `capacity` rows on one buffer. */
function allocateColumns(capacity: number): CandleColumns {
  const buffer = new ArrayBuffer(capacity * COLUMNS.length * Float64Array.BYTES_PER_ELEMENT)
  const column = (k: number) => new Float64Array(buffer, k * capacity * Float64Array.BYTES_PER_ELEMENT, capacity)
  return { length: capacity, time: column(0), open: column(1), high: column(2), low: column(3), close: column(4), volume: column(5) }
}

/** 10^0 … 10^15, each exact as a double. */
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k)
/** Below 10^15 < 2^53 every integer is an exact double. */
const MAX_EXACT_DIGITS = 15
const ZERO = 48
const DOT = 46
const CR = 13

/**
 * The common row, read straight from the text: exactly six cells of plain decimals (digits, at
 * most one point with digits after it) between single separators, nothing else but a final \r.
 * A number of at most 15 digits is m / 10^f with m and 10^f exact doubles, so the one division
 * is the correctly rounded value, the same double Number() gives; a longer one is read by
 * Number(). false for any other row (blanks, signs, exponents, dates, comments): the general
 * parse reads it.
 */
function plainRow(text: string, from: number, stop: number, out: Float64Array): boolean {
  let end = stop
  if (end > from && text.charCodeAt(end - 1) === CR) end--
  let cell = 0
  let cellStart = from
  let mantissa = 0
  let digits = 0
  let decimals = -1
  for (let i = from; i <= end; i++) {
    const ch = i === end ? COMMA : text.charCodeAt(i)
    const digit = ch - ZERO
    if (digit >= 0 && digit <= 9) {
      digits++
      mantissa = mantissa * 10 + digit
      if (decimals >= 0) decimals++
    } else if (ch === DOT) {
      if (decimals >= 0 || digits === 0) return false
      decimals = 0
    } else if (ch === COMMA || ch === SEMICOLON || ch === TAB) {
      if (digits === 0 || decimals === 0 || cell === COLUMNS.length) return false
      const value = digits > MAX_EXACT_DIGITS ? Number(text.slice(cellStart, i)) : decimals > 0 ? mantissa / POW10[decimals] : mantissa
      // Enough digits overflow to Infinity, which the general parse refuses as not a number.
      if (value === Infinity) return false
      out[cell++] = value
      cellStart = i + 1
      mantissa = 0
      digits = 0
      decimals = -1
    } else return false
  }
  return cell === COLUMNS.length
}

/** Whether a plain row keeps the rules (the general parse words the one it breaks); its timestamp made ms in place. */
function plainCandle(plain: Float64Array): boolean {
  const stamp = plain[0]
  const open = plain[1]
  const high = plain[2]
  const low = plain[3]
  const close = plain[4]
  // With low ≤ open, close ≤ high, a positive low makes every price positive.
  if (!(low > 0) || high < Math.max(open, close, low) || low > Math.min(open, close)) return false
  plain[0] = stamp < 1e11 ? Math.round(stamp * 1000) : Math.round(stamp)
  return true
}

function isHeader(cells: string[]): boolean {
  return cells.length > 0 && /^[a-z_ ]+$/i.test(cells[0]) && Number.isNaN(Number(cells[1]))
}

function parseRow(cells: string[], lineNo: number): Candle {
  if (cells.length < COLUMNS.length) {
    throw new CandleCsvError(lineNo, `expected ${COLUMNS.length} columns (${COLUMNS.join(',')}), got ${cells.length}`)
  }
  const timestamp = parseTimestamp(cells[0], lineNo)
  const [open, high, low, close, volume] = COLUMNS.slice(1).map((name, i) => {
    const value = Number(cells[i + 1])
    if (cells[i + 1] === '' || !Number.isFinite(value)) throw new CandleCsvError(lineNo, `${name} "${cells[i + 1]}" is not a number`)
    if (name === 'volume' ? value < 0 : value <= 0) {
      throw new CandleCsvError(lineNo, `${name} must be ${name === 'volume' ? 'zero or more' : 'positive'}, got ${value}`)
    }
    return value
  })
  if (high < Math.max(open, close, low) || low > Math.min(open, close)) {
    throw new CandleCsvError(lineNo, `inconsistent candle: need low ≤ open, close ≤ high (o=${open} h=${high} l=${low} c=${close})`)
  }
  return [timestamp, open, high, low, close, volume]
}

function parseTimestamp(cell: string, lineNo: number): number {
  const numeric = Number(cell)
  if (cell !== '' && Number.isFinite(numeric)) {
    if (numeric < 0) throw new CandleCsvError(lineNo, `timestamp ${cell} is negative`)
    return numeric < 1e11 ? Math.round(numeric * 1000) : Math.round(numeric)
  }
  const parsed = Date.parse(cell)
  if (Number.isNaN(parsed)) throw new CandleCsvError(lineNo, `timestamp "${cell}" is neither epoch ms/s nor an ISO date`)
  return parsed
}
