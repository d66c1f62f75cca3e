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

/**
 * Parses `timestamp,open,high,low,close,volume` rows. The header is optional; timestamps may be
 * ms or s since epoch (values below 1e11 are taken as seconds) or ISO-8601 dates. Rows must be in
 * ascending time and internally consistent (low ≤ open/close ≤ high), or the parse fails on the
 * first bad line: replaying a silently repaired file would show the user a market that never was.
 *
 * A file of a million rows is read in one pass over its lines. After the first candle, a plain row
 * (see plainRow) is read straight from the text, without a string per cell; any other row, and a
 * plain one that breaks a rule, is split and trimmed and checked cell by cell, which words the
 * refusal.
 */
export function parseCandleCsv(text: string): Candle[] {
  const candles: Candle[] = []
  const plain = new Float64Array(COLUMNS.length)
  let lineNo = 0
  let start = 0
  while (start <= text.length) {
    let stop = text.indexOf('\n', start)
    if (stop === -1) stop = text.length
    const from = start
    start = stop + 1
    lineNo++
    const previous = candles[candles.length - 1]
    if (previous && plainRow(text, from, stop, plain)) {
      const candle = plainCandle(plain)
      // A row that breaks a rule goes the general way below, which words the refusal.
      if (candle && candle[0] > previous[0]) {
        candles.push(candle)
        continue
      }
    }
    const raw = text.slice(from, stop).trim()
    if (raw === '' || raw.startsWith('#')) continue
    const cells = raw.split(/[,;\t]/).map((cell) => cell.trim())
    if (candles.length === 0 && isHeader(cells)) continue
    const candle = parseRow(cells, lineNo)
    if (previous && candle[0] <= previous[0]) {
      throw new CandleCsvError(lineNo, `timestamp ${new Date(candle[0]).toISOString()} is not after the previous row's`)
    }
    candles.push(candle)
  }
  if (candles.length === 0) throw new CandleCsvError(lineNo, 'no candle rows found')
  return candles
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

/** A plain row's candle, or undefined when it breaks a rule (the general parse then says which). */
function plainCandle(plain: Float64Array): Candle | undefined {
  const stamp = plain[0]
  const open = plain[1]
  const high = plain[2]
  const low = plain[3]
  const close = plain[4]
  const volume = plain[5]
  // With low ≤ open, close ≤ high, a positive low makes every price positive.
  if (!(low > 0) || high < Math.max(open, close, low) || low > Math.min(open, close)) return undefined
  return [stamp < 1e11 ? Math.round(stamp * 1000) : Math.round(stamp), open, high, low, close, volume]
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
