import { decimalsOf } from '../../../shared/market-rules'

/** Human formats: durations, sizes, prices at tick precision, percentages, clock times. */
export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m ${s % 60}s`
  const h = Math.floor(m / 60)
  return `${h}h ${m % 60}m`
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}

/** Decimal places of a tick or step (2.5 → 1, 10 → 0, 1e-8 → 8): the market rules' one implementation. */
export { decimalsOf }

const formatters = new Map<number, Intl.NumberFormat>()

/** Fixed decimals with thousands separators; formatters are cached (this runs per tick). */
export function formatFixed(value: number | undefined | null, decimals: number): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—'
  let f = formatters.get(decimals)
  if (!f) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })
    formatters.set(decimals, f)
  }
  return f.format(value)
}

/** A price at its market's precision. */
export function formatPrice(value: number | undefined | null, tick = 0.01): string {
  return formatFixed(value, decimalsOf(tick))
}

/** Signed percent with two decimals: +1.23 %. */
export function formatPercent(value: number | undefined | null): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—'
  return `${value > 0 ? '+' : ''}${value.toFixed(2)} %`
}

/** Signed money amount: +12.34. */
export function formatSigned(value: number, decimals = 2): string {
  return `${value > 0 ? '+' : ''}${formatFixed(value, decimals)}`
}

/** Compact volume: 1.2K, 3.4M. */
export function formatCompact(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)}B`
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}K`
  return value.toFixed(value >= 100 ? 0 : 2)
}

/** Wall-clock HH:MM:SS in 24 h, as traders read it. */
export function formatClock(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString('en-GB', { hour12: false })
}
