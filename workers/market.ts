import { runWorker } from './runtime/worker'

// The market worker owns market.db: feeds (demo, replay, ccxt) and exchange watchdogs.
runWorker(() => ({}))
