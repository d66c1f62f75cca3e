export { TradingStore, type TradingStoreOptions } from './trading-store'
export { SCHEMA_VERSION, migrate } from './migrations'
