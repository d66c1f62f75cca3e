import {
  apply,
  clientKey,
  hydrateOrder,
  type ApplyResult,
  type EngineInput,
  type ExchangeState,
  type OrderRecord
} from '../exchange'
import type { ErrorBody } from '../../shared/errors'
import type { TradingStore } from '../storage/trading'

/** Why an input is refused before the engine sees it, judged against the state the batch has reached so far. */
export type InputGate = (input: EngineInput) => ErrorBody | undefined
/** Sees exactly what the engine applied and kept (src/core/backtest/replay-recorder.ts records it).
 * Its methods never throw and never block for long: order handling does not wait on it. */
export interface ExecutorTap {
  /** The state the following inputs apply to; called when tapped and after every reload. */
  began(state: ExchangeState): void
  /** Inputs just committed, in order; `hydrated`: an order fetched from the journal before it. */
  committed(entries: readonly { input: EngineInput; hydrated?: OrderRecord }[]): void
}

/**
 * The paper exchange made durable: owns the engine state, applies commands and market events
 * to it, and has the store write what each batch changed (group commit) before anyone is
 * answered. The store only loads and writes; applying and rolling back live here.
 *
 * Usage: `const exec = new Executor(TradingStore.open(path))`; then `exec.applyBatch(inputs)`
 * (or `applyAndPersist(input)`) and acknowledge only after it returns: by then every command and
 * everything it changed are committed. The state is rebuilt from the rows on construction.
 */
export class Executor {
  private engineState: ExchangeState
  private tap: ExecutorTap | undefined

  constructor(private readonly store: TradingStore) {
    this.engineState = store.loadState()
  }

  /** The live engine state (read it; change it only through applyAndPersist / applyBatch). */
  get state(): ExchangeState {
    return this.engineState
  }

  setTap(tap: ExecutorTap): void {
    this.tap = tap
    tap.began(this.engineState)
  }

  applyAndPersist(input: EngineInput): ApplyResult {
    return this.applyBatch([input])[0]
  }

  /**
   * Applies the inputs in order and commits them in one transaction. An input the engine marks
   * for rollback (it failed after changing the state) is dropped: what came before it is
   * committed, the state reloaded, and the rest goes on. If the commit itself fails, the state
   * is reloaded and the error thrown: nothing of the batch may be acknowledged. An input `gate`
   * refuses is answered with its refusal and neither applied nor journaled.
   */
  applyBatch(inputs: readonly EngineInput[], gate?: InputGate): ApplyResult[] {
    const results: ApplyResult[] = []
    let pending: { input: EngineInput; result: ApplyResult; hydrated?: OrderRecord }[] = []
    for (const input of inputs) {
      const hydrated = this.hydrateReferencedOrder(input)
      const refused = gate?.(input)
      if (refused) {
        results.push({ reply: { ok: false, error: refused }, effects: [] })
        continue
      }
      const result = apply(this.engineState, input)
      if (result.rollback) {
        this.commit(pending)
        pending = []
        this.engineState = this.store.loadState()
        this.tap?.began(this.engineState)
        results.push({ reply: result.reply, effects: [] })
        continue
      }
      pending.push({ input, result, hydrated })
      results.push(result)
    }
    this.commit(pending)
    return results
  }

  /** Whether the journal already has this client order id (in memory or only on disk). */
  hasClientOrder(account: string, clientOrderId: string): boolean {
    if (this.engineState.byClientId.has(clientKey(account, clientOrderId))) return true
    return !everyOrderInMemory(this.engineState) && this.store.findOrder({ account, clientOrderId }) !== undefined
  }

  private commit(batch: readonly { input: EngineInput; result: ApplyResult; hydrated?: OrderRecord }[]): void {
    try {
      this.store.write(batch)
    } catch (err) {
      this.engineState = this.store.loadState()
      this.tap?.began(this.engineState)
      throw err
    }
    if (batch.length > 0) this.tap?.committed(batch)
  }

  /** Orders older than the engine's memory window are fetched before a command names them,
   * so idempotent re-sends and cancels of old orders behave as if they were in memory. */
  private hydrateReferencedOrder(input: EngineInput): OrderRecord | undefined {
    if (input.kind !== 'placeOrder' && input.kind !== 'cancelOrder' && input.kind !== 'amendOrder') return undefined
    const { account, clientOrderId } = input.params
    const orderId = input.kind === 'placeOrder' ? undefined : input.params.orderId
    const state = this.engineState
    // Until the engine first lets closed orders go, the disk has none it lacks: every new order
    // (each carries a clientOrderId from the host) would otherwise cost a lookup that misses.
    if (everyOrderInMemory(state)) return undefined
    let order
    if (orderId !== undefined) {
      if (!state.orders.has(orderId)) order = this.store.findOrder({ orderId })
    } else if (clientOrderId !== undefined && !state.byClientId.has(clientKey(account, clientOrderId))) {
      order = this.store.findOrder({ account, clientOrderId })
    }
    if (order && !state.orders.has(order.id)) {
      hydrateOrder(state, order)
      // As fetched: the engine is about to change it.
      return structuredClone(order)
    }
    return undefined
  }
}

/**
 * Every order seq ever issued is held in memory: seqs are dense from 1 and only the closed-order
 * window evicts, so the store can hold no order the engine lacks.
 */
function everyOrderInMemory(state: ExchangeState): boolean {
  return state.orders.size === state.nextOrderSeq - 1
}
