import type { BacktestConfig } from '../../shared/backtest'
import { describeZodError, KeelError } from '../../shared/errors'
import type { MarketInfo, OrderBook, Trade } from '../../shared/market-data'
import { CancelOrderParams, ResetAccountParams, type Fill, type Order } from '../../shared/trading'
import { apply, createState, type ApplyOptions, marketKey, toPublicOrder, type Command, type EngineInput, type ExchangeState, type OrderRecord } from '../exchange'
import { planTake } from '../exchange/book'
import { tidy } from '../exchange/numeric'
import { checkStrategyOrder } from './strategy-order'

/**
 * The paper exchange engine (src/core/exchange) as a backtest drives it: one market, one
 * account, commands queued by the strategy and applied at the next market instant, fills
 * reported back. Everything that moves money happens inside `apply`, exactly as in paper
 * trading; this class only feeds it and reads its state.
 */

export const BACKTEST_EXCHANGE = 'backtest'
export const BACKTEST_ACCOUNT = 'backtest'

/** Commands one market instant may apply before the strategy is judged to be looping. */
const MAX_COMMANDS_PER_INSTANT = 10_000

interface QueuedCommand {
  kind: 'placeOrder' | 'cancelOrder'
  params: Record<string, unknown>
  resolve(order: Order): void
  reject(error: KeelError): void
}

export interface DriverListener {
  fill(fill: Fill): void
  /** A command was queued (a strategy awaiting it may be waiting to be woken). */
  queued(): void
}

export interface Rejection {
  time: number
  request: string
  reason: string
}

export class EngineDriver {
  readonly state: ExchangeState
  readonly market: MarketInfo
  readonly key: string
  inputs = 0
  placed = 0
  readonly rejected: Rejection[] = []
  private queue: QueuedCommand[] = []
  private nextClientSeq = 1

  constructor(
    config: BacktestConfig,
    /** Told of fills and queued commands: an object with methods, not two closures, so each
     * call site sees the same functions from one run to the next (a sweep thread runs many). */
    private readonly listener: DriverListener
  ) {
    const [base, quote] = config.symbol.split('/')
    this.market = {
      exchange: BACKTEST_EXCHANGE,
      symbol: config.symbol,
      base,
      quote,
      active: true,
      precision: { amount: config.amountStep, price: config.priceTick },
      limits: { amount: {}, price: {}, cost: {} },
      maker: config.makerFee ?? config.fee,
      taker: config.fee
    }
    this.key = marketKey(BACKTEST_EXCHANGE, config.symbol)
    this.state = createState({
      queueModel: config.queueModel,
      defaultExchange: BACKTEST_EXCHANGE,
      defaultQuote: quote,
      defaultBalances: { [quote]: config.cash },
      // The backtest samples equity itself, once per candle.
      equitySampleIntervalMs: Number.POSITIVE_INFINITY,
      equityHistoryLimit: 1,
      equityOnFill: false,
      // Closed orders only answer a strategy cancelling an order that already closed; kept few,
      // they die young instead of being promoted and collected as old garbage by the thousand.
      closedOrderMemory: 10,
      // Client ids are numbered here (nextClientOrderId) and nothing re-sends: no idempotency index.
      clientIdIndex: false
    })
    this.command({ kind: 'setMarkets', at: 0, markets: [this.market] })
    this.command({
      kind: 'resetAccount',
      at: 0,
      params: ResetAccountParams.parse({ account: BACKTEST_ACCOUNT, exchange: BACKTEST_EXCHANGE, quote, balances: { [quote]: config.cash } })
    })
  }

  private command(input: Command): void {
    const { reply } = this.feed(input)
    if (!reply.ok) throw new Error(`backtest set-up refused by the engine: ${reply.error.message}`)
  }

  /** Applies one input; fills go to onFill. An engine bug, or an input the engine had to roll
   * back half-way, aborts the run rather than let it go on from a state nobody can trust. */
  private feed(input: EngineInput) {
    const result = apply(this.state, input, FILLS_ONLY)
    this.inputs++
    const { reply } = result
    if (result.rollback || (!reply.ok && reply.error.code === 'internal')) {
      throw new Error(`exchange engine failed on ${input.kind}: ${reply.ok ? 'rolled back' : reply.error.message}`)
    }
    for (const effect of result.effects) if (effect.kind === 'fillCreated') this.listener.fill(effect.fill)
    return result
  }

  book(book: OrderBook): void {
    this.feed({ kind: 'book', book })
  }

  trade(trade: Trade): void {
    this.feed({ kind: 'trade', trade })
  }

  private live: ReadonlySet<OrderRecord> | undefined

  /** Live orders of the market (stops waiting, limits resting). The engine creates the set with
   * the first order and keeps it, so it is looked up once: this sits on the per-candle path. */
  liveOrders(): ReadonlySet<OrderRecord> {
    return (this.live ??= this.state.live.get(this.key)) ?? EMPTY
  }

  get hasQueued(): boolean {
    return this.queue.length > 0
  }

  enqueue(kind: QueuedCommand['kind'], params: Record<string, unknown>): Promise<Order> {
    const promise = new Promise<Order>((resolve, reject) => {
      this.queue.push({ kind, params, resolve, reject })
    })
    // The strategy may ignore the promise; a rejection it never looks at must not end the process.
    promise.catch(IGNORE)
    this.listener.queued()
    return promise
  }

  nextClientOrderId(): string {
    return `bt-${this.nextClientSeq++}`
  }

  /** Applies every queued command at `time`, including those queued by fills they cause. */
  flush(time: number): void {
    let applied = 0
    while (this.queue.length > 0) {
      const batch = this.queue
      this.queue = []
      for (const queued of batch) {
        if (++applied > MAX_COMMANDS_PER_INSTANT) {
          throw new Error(`the strategy sent more than ${MAX_COMMANDS_PER_INSTANT} orders at one instant (${new Date(time).toISOString()})`)
        }
        this.run(queued, time)
      }
    }
  }

  private run(queued: QueuedCommand, time: number): void {
    if (queued.kind === 'placeOrder') this.placed++
    const raw = queued.kind === 'placeOrder' ? this.sized(queued.params) : queued.params
    if (typeof raw === 'string') return this.refuse(queued, time, 'rejected', raw)
    // The strategy is user code: its requests are checked here, at the edge, as strictly as the API's schemas do.
    const command = this.parse(queued.kind, raw, time)
    if (typeof command === 'string') return this.refuse(queued, time, 'bad_request', command)
    const { reply } = this.feed(command)
    if (reply.ok) return queued.resolve(reply.value as Order)
    this.refuse(queued, time, reply.error.code, reply.error.message)
  }

  private parse(kind: QueuedCommand['kind'], raw: Record<string, unknown>, at: number): Command | string {
    if (kind === 'placeOrder') {
      const checked = checkStrategyOrder(raw)
      return checked.ok ? { kind, at, params: checked.params } : checked.reason
    }
    const parsed = CancelOrderParams.safeParse(raw)
    return parsed.success ? { kind, at, params: parsed.data } : describeZodError(parsed.error)
  }

  private refuse(queued: QueuedCommand, time: number, code: KeelError['code'], reason: string): void {
    this.rejected.push({ time, request: JSON.stringify(queued.params), reason })
    queued.reject(new KeelError(code, reason))
  }

  /**
   * A market buy sized by `cost` (quote to spend, fees included) gets the amount the book
   * sells for that much, rounded down to the step: the engine's own walk with `cost` as the
   * funds limit.
   */
  private sized(params: Record<string, unknown>): Record<string, unknown> | string {
    const cost = params.cost
    if (typeof cost !== 'number' || params.amount !== undefined) return params
    const { cost: _cost, ...rest } = params
    const snap = this.state.books.get(this.key)
    if (params.type !== 'market' || params.side !== 'buy' || !snap) return rest // the engine explains what is missing
    // Unbounded in amount, bounded by the funds; the steps (not `filled`, which loses digits
    // against a huge requested amount) say what the cost buys.
    const plan = planTake(snap, 'buy', Number.MAX_SAFE_INTEGER, this.market.precision.amount, {
      quoteFunds: cost,
      feeRate: this.market.taker
    })
    const amount = tidy(plan.steps.reduce((sum, step) => sum + step.amount, 0))
    if (amount <= 0) return `insufficient balance: ${cost} ${this.market.quote} buys less than one amount step`
    return { ...rest, amount }
  }

  /** Commands that can no longer execute (the data ended) are refused with that reason. */
  dropQueued(time: number): void {
    for (const queued of this.queue) this.refuse(queued, time, 'rejected', 'the backtest data ended before the order could execute')
    this.queue = []
  }

  openOrders(): Order[] {
    return [...this.liveOrders()].filter((o) => o.account === BACKTEST_ACCOUNT).map(toPublicOrder)
  }
}

const EMPTY: ReadonlySet<OrderRecord> = new Set()
const FILLS_ONLY: ApplyOptions = { effects: 'fills' }
const IGNORE = (): undefined => undefined
