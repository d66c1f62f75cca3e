import { runWorker } from './runtime/worker'

// The strategy worker will run user bots, quarantined: it holds no money state, so killing it
// for an infinite loop never touches orders (a later issue). Today: supervised, answers ping.
runWorker('strategy', () => ({})) // owns no api.ts methods yet: its contract is empty
