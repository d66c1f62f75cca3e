import { runWorker } from './runtime/worker'

// The AI worker will compute signals and run models (a later issue). Today it is a real,
// supervised process that answers ping and reports health; it holds no state yet.
runWorker('ai', () => ({})) // owns no api.ts methods yet: its contract is empty
