/**
 * Client order ids a bot's orders carry: bot id + candle bucket (market time ÷ timeframe) +
 * the order's number within that bucket. The counter is committed with the bot's state after
 * each callback; a strategy worker that dies before the commit replays from the committed
 * counter, so a replayed decision gets the id its first attempt had and execution's
 * clientOrderId dedup answers with the first order instead of placing a second.
 */
export class DecisionIds {
  private bucket: number | null
  private n: number

  constructor(
    private readonly botId: string,
    committed: { bucket: number | null; n: number }
  ) {
    this.bucket = committed.bucket
    this.n = committed.n
  }

  next(bucket: number): string {
    if (bucket !== this.bucket) {
      this.bucket = bucket
      this.n = 0
    }
    this.n += 1
    return `${this.botId}-${bucket.toString(36)}-${this.n}`
  }

  /** What a checkpoint stores. */
  snapshot(): { bucket: number | null; n: number } {
    return { bucket: this.bucket, n: this.n }
  }
}
