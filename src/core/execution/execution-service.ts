import type { EventOf } from '../../shared/api'
import { KeelError, type ErrorBody } from '../../shared/errors'
import type { MarketInfo, OrderBook, Ticker, Trade } from '../../shared/market-data'
import type {
  AccountParams,
  AccountSummary,
  AmendOrderParams,
  Balance,
  CancelAllParams,
  CancelAllResult,
  CancelOrderParams,
  ListFillsParams,
  ListFillsResult,
  ListOrdersParams,
  ListOrdersResult,
  Order,
  PlaceOrderParams,
  Position,
  ResetAccountParams
} from '../../shared/trading'
import {
  accountExchange,
  accountSummary,
  balances,
  marketKey,
  positions,
  toPublicOrder,
  type ApplyResult,
  type Command,
  type CommandKind,
  type CommandReplies,
  type EngineInput
} from '../exchange'
import type { ExchangeState } from '../exchange/state'
import { DEFAULT_STALE_AFTER_MS, StalenessWatchdog } from '../market/staleness'
import type { TradingStore } from '../storage/trading'
import { CommandBatcher } from './command-batcher'
import { Executor, type ExecutorTap } from './executor'
import { WarmupGate } from './warmup-gate'

type ExecutionEvent = 'orderUpdated' | 'fillCreated' | 'balanceChanged'
type ExecutionEventArgs = { [E in ExecutionEvent]: [name: E, payload: EventOf<E>] }[ExecutionEvent]

/** Client events the execution worker publishes (validated again by the host). */
export interface ExecutionOutput {
  event(...args: ExecutionEventArgs): void
}

type OrderCommand = Extract<Command, { kind: CommandKind }>

/**
 * How long commands wait after a (re)start for the host's replay of market data: until the
 * feed has been quiet for `quietMs` after the markets arrived, and never longer than `maxMs`.
 */
export interface WarmUp {
  quietMs: number
  maxMs: number
}
/** Why a new order is refused before it reaches the engine, or undefined (see setOrderGuard). */
export type OrderGuard = (params: PlaceOrderParams) => string | undefined

export const DEFAULT_WARM_UP: WarmUp = { quietMs: 20, maxMs: 1_000 }

/**
 * The execution worker's brain: the paper exchange behind a group-committing journal, fed by
 * relayed market data, refusing orders on symbols whose data went stale.
 */
export class ExecutionService {
  private readonly executor: Executor
  private readonly batcher: CommandBatcher
  private readonly freshness: StalenessWatchdog
  private readonly gate = new WarmupGate()
  /**
   * Markets as told to this service, known at once: the engine learns them a batch later, and an
   * order judged by the engine's list in between skipped the wait and the stale check.
   */
  private readonly listed = new Set<string>()
  private readonly warmedUp: Promise<void>
  private warm = false
  private orderGuard: OrderGuard | undefined
  private marketsSeen = false
  private endWarmUp: () => void = () => {}
  private quietTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly store: TradingStore,
    private readonly output: ExecutionOutput,
    /** Wall time: how fresh the market data is. */
    private readonly now: () => number,
    staleAfterMs: number = DEFAULT_STALE_AFTER_MS.demo,
    private readonly warmUp: WarmUp = DEFAULT_WARM_UP,
    /** Market time, stamped on commands (the demo's clock may run fast, see demo-clock.ts). */
    private readonly marketNow: () => number = now
  ) {
    this.freshness = new StalenessWatchdog(staleAfterMs)
    this.executor = new Executor(store)
    this.batcher = new CommandBatcher(
      (inputs) => this.executor.applyBatch(inputs, (input) => this.guardRefusal(input)),
      (results) => this.publish(results)
    )
    this.warmedUp = new Promise((resolve) => {
      const cap = setTimeout(() => this.endWarmUp(), warmUp.maxMs)
      cap.unref?.()
      this.endWarmUp = () => {
        clearTimeout(cap)
        clearTimeout(this.quietTimer)
        this.warm = true
        resolve()
      }
    })
  }

  /**
   * Commands wait for the warm-up: a restarted worker has its orders and balances from the
   * database but no order books (they are not stored) and no freshness yet, and the host
   * re-sends the requests the killed process never answered *before* it replays the latest
   * market data. Without the wait a re-sent market order would meet an empty book ("no order
   * book yet") and any re-sent order a stale refusal: a valid order turned into a 422 by a
   * crash. Waiting commands keep their arrival order.
   */
  private async command<C extends OrderCommand>(command: C): Promise<CommandReplies[C['kind']]> {
    if (!this.warm) await this.warmedUp
    const input: OrderCommand = command
    if (input.kind === 'placeOrder') {
      await this.untilTradable(input.params)
      this.refuseIfStale(input.params)
    }
    const result = await this.batcher.submit(input)
    if (!result.reply.ok) throw new KeelError(result.reply.error.code, result.reply.error.message)
    // The engine answers each command kind with its CommandReplies value, already a public view.
    return result.reply.value as CommandReplies[C['kind']]
  }

  placeOrder(params: PlaceOrderParams): Promise<Order> {
    return this.command({ kind: 'placeOrder', at: this.marketNow(), params })
  }
  cancelOrder(params: CancelOrderParams): Promise<Order> {
    return this.command({ kind: 'cancelOrder', at: this.marketNow(), params })
  }
  cancelAll(params: CancelAllParams): Promise<CancelAllResult> {
    return this.command({ kind: 'cancelAll', at: this.marketNow(), params })
  }
  amendOrder(params: AmendOrderParams): Promise<Order> {
    return this.command({ kind: 'amendOrder', at: this.marketNow(), params })
  }
  resetAccount(params: ResetAccountParams): Promise<AccountSummary> {
    return this.command({ kind: 'resetAccount', at: this.marketNow(), params })
  }

  /** Hands every applied input to `tap` from now on (the paper-session recorder). */
  record(tap: ExecutorTap): void {
    this.executor.setTap(tap)
  }

  /**
   * Protections (src/core/protections) judge every new order as its batch applies, so the orders
   * accepted earlier in the same batch count (open orders, position, rate); a re-send of a
   * journaled one passes.
   */
  setOrderGuard(guard: OrderGuard): void {
    this.orderGuard = guard
  }

  /** The engine state protections judge orders against (owned by the executor). */
  get state(): ExchangeState {
    return this.executor.state
  }

  private guardRefusal(input: EngineInput): ErrorBody | undefined {
    if (input.kind !== 'placeOrder' || !this.orderGuard) return undefined
    const refusal = this.orderGuard(input.params)
    if (!refusal) return undefined
    const { account, clientOrderId } = input.params
    if (clientOrderId !== undefined && this.executor.hasClientOrder(account, clientOrderId)) return undefined
    return { code: 'rejected', message: `order refused: ${refusal}` }
  }

  setMarkets(exchange: string, markets: MarketInfo[]): void {
    const now = this.now()
    // A market we have had no data for is not tradable yet: watched as already stale.
    for (const m of markets) {
      this.freshness.watch(exchange, m.symbol, now - this.freshness.staleAfterMs)
      this.listed.add(marketKey(exchange, m.symbol))
    }
    this.batcher.push({ kind: 'setMarkets', at: this.marketNow(), markets })
    this.feedArrived(true)
  }

  trade(trade: Trade): void {
    this.freshness.markFresh(trade.exchange, trade.symbol, this.now())
    this.gate.arrived(trade.exchange, trade.symbol, true, false)
    this.batcher.push({ kind: 'trade', trade })
    this.feedArrived()
  }

  /** `receivedAt`: when the host got it, for data replayed after a restart (not fresh again). */
  book(book: OrderBook, receivedAt = this.now()): void {
    this.freshness.markFresh(book.exchange, book.symbol, receivedAt)
    this.gate.arrived(book.exchange, book.symbol, this.isRecent(receivedAt), true)
    this.batcher.push({ kind: 'book', book })
    this.feedArrived()
  }

  ticker(ticker: Ticker, receivedAt = this.now()): void {
    this.freshness.markFresh(ticker.exchange, ticker.symbol, receivedAt)
    this.gate.arrived(ticker.exchange, ticker.symbol, this.isRecent(receivedAt), false)
    this.batcher.push({ kind: 'ticker', ticker })
    this.feedArrived()
  }

  /** Warm-up ends once the replay that follows the markets has gone quiet. */
  private feedArrived(markets = false): void {
    if (this.warm) return
    this.marketsSeen ||= markets
    if (!this.marketsSeen) return
    clearTimeout(this.quietTimer)
    this.quietTimer = setTimeout(() => this.endWarmUp(), this.warmUp.quietMs)
  }

  listOrders(params: ListOrdersParams): ListOrdersResult {
    return this.store.listOrders(params)
  }
  listFills(params: ListFillsParams): ListFillsResult {
    return this.store.listFills(params)
  }
  balances({ account }: AccountParams): Balance[] {
    return balances(this.executor.state, account)
  }
  positions({ account }: AccountParams): Position[] {
    return positions(this.executor.state, account)
  }
  accountSummary({ account }: AccountParams): AccountSummary {
    return accountSummary(this.executor.state, account)
  }

  /**
   * No new orders on data we can't trust. A re-sent order the journal already has is let
   * through, so an acknowledged order is never turned into a rejection by a later stale feed.
   */
  /** A new order on a symbol this process has no live data (or, for a market order, no book) for yet waits for it (bounded). */
  private untilTradable({ account, symbol, type }: PlaceOrderParams): Promise<void> | undefined {
    const exchange = accountExchange(this.executor.state, account)
    if (!this.listed.has(marketKey(exchange, symbol))) return undefined // unknown symbol: the engine says so at once
    return this.gate.ready(exchange, symbol, type === 'market')
  }

  private isRecent(receivedAt: number): boolean {
    return this.now() - receivedAt < this.freshness.staleAfterMs
  }

  private refuseIfStale({ account, symbol, clientOrderId }: PlaceOrderParams): void {
    // A new account named after an exchange trades that exchange: judge that exchange's feed.
    const exchange = accountExchange(this.executor.state, account)
    if (!this.listed.has(marketKey(exchange, symbol))) return // unknown symbol: the engine says so
    const reason = this.freshness.staleReason(exchange, symbol, this.now())
    if (!reason) return
    // Only a refusal asks the journal (a disk read for orders outside memory); fresh orders skip it.
    if (clientOrderId !== undefined && this.executor.hasClientOrder(account, clientOrderId)) return
    throw new KeelError('rejected', `order refused: ${reason}`)
  }

  private publish(results: ApplyResult[]): void {
    for (const { effects } of results) {
      for (const effect of effects) {
        if (effect.kind === 'orderUpdated') this.output.event('orderUpdated', { account: effect.order.account, order: toPublicOrder(effect.order) })
        else if (effect.kind === 'fillCreated') this.output.event('fillCreated', { account: effect.fill.account, fill: effect.fill })
        else if (effect.kind === 'balanceChanged') this.output.event('balanceChanged', { account: effect.account, balance: effect.balance })
      }
    }
  }
}
