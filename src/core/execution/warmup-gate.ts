/**
 * Holds new orders on a symbol until this process has market data for it, for at most
 * `maxWaitMs`. A just-(re)started execution worker has its orders and balances from the
 * database but no live data yet: without the wait, the first orders after a restart met
 * "market data … is stale" (the replayed data is as old as it is) and market orders at start
 * "no order book yet" — errors where the design promises a delay. Data that goes stale later,
 * after having been live in this process, is real staleness and is not waited for.
 */
export class WarmupGate {
  private readonly live = new Set<string>()
  private readonly withBook = new Set<string>()
  private readonly waiters = new Map<string, Array<{ needBook: boolean; release: () => void }>>()

  constructor(private readonly maxWaitMs = 5_000) {}

  /** Data for a symbol arrived; `fresh` when it is recent enough to trade on, `book` when it is a book. */
  arrived(exchange: string, symbol: string, fresh: boolean, book: boolean): void {
    if (!fresh) return
    const key = `${exchange}|${symbol}`
    this.live.add(key)
    if (book) this.withBook.add(key)
    const waiting = this.waiters.get(key)
    if (!waiting) return
    const still = waiting.filter((w) => {
      if (w.needBook && !this.withBook.has(key)) return true
      w.release()
      return false
    })
    if (still.length) this.waiters.set(key, still)
    else this.waiters.delete(key)
  }

  /** Resolves at once when the symbol has had live data (and a book, if asked); else on its arrival or after maxWaitMs. */
  ready(exchange: string, symbol: string, needBook: boolean): Promise<void> | undefined {
    const key = `${exchange}|${symbol}`
    if (this.live.has(key) && (!needBook || this.withBook.has(key))) return undefined
    return new Promise((resolve) => {
      const timer = setTimeout(release, this.maxWaitMs)
      function release(): void {
        clearTimeout(timer)
        resolve()
      }
      const list = this.waiters.get(key) ?? []
      list.push({ needBook, release })
      this.waiters.set(key, list)
    })
  }
}
