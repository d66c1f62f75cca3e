import { closeSync, openSync, readSync } from 'node:fs'
import type { Candle, CandleColumns } from '../../shared/market-data'

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

/** How much of a file is read at once: memory for the file stays this size, not the file's. */
const CHUNK_BYTES = 1 << 22
/** Rows per block while parsing (3 MiB): memory grows with the rows read, never with lines that are not rows. */
const BLOCK_ROWS = 1 << 16

/** Six columns of `length` rows (the caller's layout, e.g. on shared memory). */
export type AllocateColumns = (length: number) => CandleColumns

export interface ReadCsvOptions {
  /** Where the columns go; by default one ArrayBuffer of exactly the rows read. */
  allocate?: AllocateColumns
  /** Bytes read at once (tests read in tiny chunks to put line ends on every boundary). */
  chunkBytes?: number
}

/**
 * Parses `timestamp,open,high,low,close,volume` rows. The header is optional; timestamps may be
 * ms or s since epoch (values below 1e11 are taken as seconds) or ISO-8601 dates. Rows must be in
 * ascending time and internally consistent (low ≤ open/close ≤ high), or the parse fails on the
 * first bad line: replaying a silently repaired file would show the user a market that never was.
 *
 * One pass over the file in chunks (a pipe works too), so memory for the file itself stays at one
 * chunk; rows go into blocks of BLOCK_ROWS, copied once at the end into the columns `allocate`
 * gives (a million rows take 48 MB, and no array per row). Each chunk's bytes are read one
 * character each (latin1: a plain row is ASCII, and a newline byte never occurs inside a
 * multi-byte UTF-8 character, so lines fall where they do in UTF-8). After the first candle, a
 * plain row (see plainRow) is read straight from that text; any other row, and a plain one that
 * breaks a rule, is decoded as UTF-8, split, trimmed and checked cell by cell, which words the
 * refusal.
 */
export function readCandleCsvFile(path: string, options: ReadCsvOptions = {}): CandleColumns {
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1) throw new RangeError(`chunkBytes must be a whole number ≥ 1, got ${chunkBytes}`)
  const fd = openSync(path, 'r')
  try {
    const reader = new CandleCsvReader()
    eachChunk(fd, chunkBytes, (bytes, last) => reader.read(bytes, last))
    return reader.done(options.allocate ?? allocateColumns)
  } finally {
    closeSync(fd)
  }
}

/** The same rules over bytes already in memory. */
export function readCandleCsv(bytes: Buffer, allocate: AllocateColumns = allocateColumns): CandleColumns {
  const reader = new CandleCsvReader()
  reader.read(bytes, true)
  return reader.done(allocate)
}

/** The same rules for a string, as one array per candle. (A lone surrogate in it is quoted in a
 * refusal as U+FFFD, as the string goes through UTF-8; a file's text never holds one.) */
export function parseCandleCsv(text: string): Candle[] {
  const c = readCandleCsv(Buffer.from(text, 'utf8'))
  return Array.from({ length: c.length }, (_, i): Candle => [c.time[i], c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i]])
}

/**
 * Hands the file to `take` chunk by chunk, reading on from where the last read ended; `take`
 * answers how many bytes it used (whole lines), and the rest is handed again at the front of the
 * next chunk. The last call has `last` set and must use everything.
 */
function eachChunk(fd: number, chunkBytes: number, take: (bytes: Buffer, last: boolean) => number): void {
  let chunk = Buffer.allocUnsafe(chunkBytes)
  let kept = 0
  for (;;) {
    // A line longer than the chunk: twice the room, so a very long line is re-read only a few times.
    if (kept === chunk.length) chunk = Buffer.concat([chunk, Buffer.allocUnsafe(chunk.length)])
    const read = readSync(fd, chunk, kept, chunk.length - kept, null)
    const filled = kept + read
    const last = read === 0
    const used = take(chunk.subarray(0, filled), last)
    if (last) return
    chunk.copy(chunk, 0, used, filled)
    kept = filled - used
  }
}

/** Rows into blocks, chunk by chunk, keeping the line number and the last time across chunks. */
class CandleCsvReader {
  private readonly blocks: Float64Array[] = []
  private block = new Float64Array(0)
  /** Rows in the current block (BLOCK_ROWS when it is full, or before the first). */
  private inBlock = BLOCK_ROWS
  private length = 0
  private lastTime = Number.NEGATIVE_INFINITY
  private readonly plain = new Float64Array(COLUMNS.length)
  private lineNo = 0

  private add(candle: ArrayLike<number>): void {
    if (this.inBlock === BLOCK_ROWS) {
      this.block = new Float64Array(BLOCK_ROWS * COLUMNS.length)
      this.blocks.push(this.block)
      this.inBlock = 0
    }
    const { block } = this
    const i = this.inBlock++
    for (let k = 0; k < COLUMNS.length; k++) block[k * BLOCK_ROWS + i] = candle[k]
    this.lastTime = candle[0]
    this.length++
  }

  /** Reads the whole lines in `bytes` (all of them when `last`); answers how many bytes they took. */
  read(bytes: Buffer, last: boolean): number {
    // V8 reads a string's characters and slices faster than it calls a Buffer's methods.
    const text = bytes.toString('latin1')
    const { plain } = this
    let start = 0
    for (;;) {
      let stop = text.indexOf('\n', start)
      if (stop === -1) {
        if (!last) return start
        stop = text.length
      }
      const from = start
      this.lineNo++
      if (this.length > 0 && plainRow(text, from, stop, plain) && keepsRules(plain) && plain[0] > this.lastTime) this.add(plain)
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
    if (this.length > 0 && candle[0] <= this.lastTime) {
      throw new CandleCsvError(this.lineNo, `timestamp ${new Date(candle[0]).toISOString()} is not after the previous row's`)
    }
    this.add(candle)
  }

  /** The rows read, copied block by block into the columns `allocate` gives. */
  done(allocate: AllocateColumns): CandleColumns {
    const { length } = this
    if (length === 0) throw new CandleCsvError(this.lineNo, 'no candle rows found')
    const out = allocate(length)
    const columns = [out.time, out.open, out.high, out.low, out.close, out.volume]
    for (const [b, block] of this.blocks.entries()) {
      const rows = Math.min(BLOCK_ROWS, length - b * BLOCK_ROWS)
      for (let k = 0; k < COLUMNS.length; k++) columns[k].set(block.subarray(k * BLOCK_ROWS, k * BLOCK_ROWS + rows), b * BLOCK_ROWS)
    }
    return out
  }
}

/** Six columns of `length` rows on one buffer of exactly that size. */
function allocateColumns(length: number): CandleColumns {
  const buffer = new ArrayBuffer(length * COLUMNS.length * Float64Array.BYTES_PER_ELEMENT)
  const column = (k: number) => new Float64Array(buffer, k * length * Float64Array.BYTES_PER_ELEMENT, length)
  return { length, time: column(0), open: column(1), high: column(2), low: column(3), close: column(4), volume: column(5) }
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

/** Whether a plain row keeps the rules (if not, the general parse words the one it breaks);
 * when it does, its timestamp is made ms in place, as the general parse reads it. */
function keepsRules(plain: Float64Array): boolean {
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
