import type { MarketInfo } from '../../../src/shared/market-data'
import {
  apply,
  checkInvariants,
  createState,
  parseInput,
  type ApplyResult,
  type EngineConfig,
  type ExchangeState,
  type Effect,
  type RawEngineInput
} from '../../../src/core/exchange'
import { KeelError } from '../../../src/shared/errors'
import type { AccountSummary, CancelAllResult, Fill, Order, PlaceOrderInput } from '../../../src/shared/trading'

/** A market with round numbers so expectations can be computed by hand:
 * amount tick 0.0001, price tick 0.01, maker 0.1 %, taker 0.2 %, min cost 5 USDT. */
export const BTC: MarketInfo = {
  exchange: 'demo',
  symbol: 'BTC/USDT',
  base: 'BTC',
  quote: 'USDT',
  active: true,
  precision: { amount: 0.0001, price: 0.01 },
  limits: { amount: { min: 0.0001, max: 1000 }, price: { min: 0.01, max: 1_000_000 }, cost: { min: 5 } },
  maker: 0.001,
  taker: 0.002
}

/** An engine with BTC/USDT on the demo exchange and a default account of 10,000 USDT. */
export class Harness {
  readonly state: ExchangeState
  readonly effects: Effect[] = []
  at = 1_000

  /** `check` runs after every input; a non-empty answer fails the test (default: every invariant). */
  constructor(
    config: Partial<EngineConfig> = {},
    markets: MarketInfo[] = [BTC],
    private readonly check: (state: ExchangeState) => string[] = checkInvariants
  ) {
    this.state = createState(config)
    this.send({ kind: 'setMarkets', at: this.at, markets })
  }

  /** Parses an input as the worker's edge does (bad params answer bad_request, like the API),
   * applies it, keeps its effects, and fails loudly if an invariant breaks. */
  send(input: RawEngineInput): ApplyResult {
    let parsed
    try {
      parsed = parseInput(input)
    } catch (err) {
      return { reply: { ok: false, error: KeelError.from(err).toBody() }, effects: [] }
    }
    const result = apply(this.state, parsed)
    this.effects.push(...result.effects)
    const problems = this.check(this.state)
    if (problems.length > 0) throw new Error(`invariants broken after ${input.kind}:\n${problems.join('\n')}`)
    return result
  }

  private tick(): number {
    return ++this.at
  }

  place(params: Omit<PlaceOrderInput, 'symbol'> & { symbol?: string }): Order {
    const reply = this.send({ kind: 'placeOrder', at: this.tick(), params: { symbol: 'BTC/USDT', ...params } }).reply
    if (!reply.ok) throw new Error(`place failed: ${reply.error.message}`)
    return reply.value as Order
  }

  /** The error message of a refused command. */
  refusal(kind: 'placeOrder' | 'cancelOrder' | 'amendOrder' | 'cancelAll' | 'resetAccount', params: unknown): string {
    const reply = this.send({ kind, at: this.tick(), params }).reply
    if (reply.ok) throw new Error(`expected ${kind} to be refused`)
    return reply.error.message
  }

  cancel(orderId: string): Order {
    const reply = this.send({ kind: 'cancelOrder', at: this.tick(), params: { orderId } }).reply
    if (!reply.ok) throw new Error(reply.error.message)
    return reply.value as Order
  }

  cancelAll(params: object = {}): CancelAllResult {
    const reply = this.send({ kind: 'cancelAll', at: this.tick(), params }).reply
    if (!reply.ok) throw new Error(reply.error.message)
    return reply.value as CancelAllResult
  }

  amend(params: object): Order {
    const reply = this.send({ kind: 'amendOrder', at: this.tick(), params }).reply
    if (!reply.ok) throw new Error(reply.error.message)
    return reply.value as Order
  }

  reset(params: object): AccountSummary {
    const reply = this.send({ kind: 'resetAccount', at: this.tick(), params }).reply
    if (!reply.ok) throw new Error(reply.error.message)
    return reply.value as AccountSummary
  }

  book(bids: [number, number][], asks: [number, number][], symbol = 'BTC/USDT'): void {
    this.send({ kind: 'book', book: { exchange: 'demo', symbol, timestamp: this.tick(), bids, asks } })
  }

  trade(price: number, amount: number, side: 'buy' | 'sell' = 'sell', symbol = 'BTC/USDT'): Effect[] {
    return this.send({ kind: 'trade', trade: { exchange: 'demo', symbol, timestamp: this.tick(), price, amount, side } }).effects
  }

  order(id: string): Order {
    const order = this.state.orders.get(id)
    if (!order) throw new Error(`no order ${id}`)
    return order
  }

  balance(asset: string, account = 'default'): { free: number; locked: number } {
    return this.state.accounts.get(account)?.balances[asset] ?? { free: 0, locked: 0 }
  }

  fills(orderId?: string): Fill[] {
    return this.effects.flatMap((e) => (e.kind === 'fillCreated' && (!orderId || e.fill.orderId === orderId) ? [e.fill] : []))
  }
}
