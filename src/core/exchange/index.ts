/** The paper exchange: a pure, deterministic engine. See docs/paper-exchange.md. */
export { apply, applyTrusted, hydrateOrder, inputTime, isCommand, toPublicOrder } from './engine'
export type { ApplyResult, Command, EngineInput, MarketEvent, Reply, ReplyValue } from './engine'
export { createState, DEFAULT_CONFIG, isLive, marketKey, clientKey } from './state'
export type { AccountState, EngineConfig, ExchangeState, OrderRecord, PositionState, QueueModel } from './state'
export type { AccountRecord, Effect } from './tx'
export { accountRecord } from './tx'
export { checkInvariants } from './invariants'
export { accountSummary, balances, getOrder, openOrders, positions } from './queries'
