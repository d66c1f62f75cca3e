import { runWorker } from './runtime/worker'

// The execution worker owns trading.db: the paper exchange and the order journal.
runWorker(() => ({}))
