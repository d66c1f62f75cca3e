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

/**
 * Parses `timestamp,open,high,low,close,volume` rows. The header is optional; timestamps may be
 * ms or s since epoch (values below 1e11 are taken as seconds) or ISO-8601 dates. Rows must be in
 * ascending time and internally consistent (low ≤ open/close ≤ high), or the parse fails on the
 * first bad line: replaying a silently repaired file would show the user a market that never was.
 */
export function parseCandleCsv(text: string): Candle[] {
  const candles: Candle[] = []
  const lines = text.split(/\r?\n/)
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index].trim()
    const lineNo = index + 1
    if (raw === '' || raw.startsWith('#')) continue
    const cells = raw.split(/[,;\t]/).map((cell) => cell.trim())
    if (candles.length === 0 && isHeader(cells)) continue
    const candle = parseRow(cells, lineNo)
    const previous = candles[candles.length - 1]
    if (previous && candle[0] <= previous[0]) {
      throw new CandleCsvError(lineNo, `timestamp ${new Date(candle[0]).toISOString()} is not after the previous row's`)
    }
    candles.push(candle)
  }
  if (candles.length === 0) throw new CandleCsvError(lines.length, 'no candle rows found')
  return candles
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
