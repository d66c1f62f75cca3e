import { parentPort, workerData } from 'node:worker_threads'
import { BotRuntime } from '../src/core/strategy/bot-runtime'
import type { BotThreadData, ParentToThread } from '../src/core/strategy/thread-protocol'

// One bot's thread inside the strategy worker: user code runs here, in a cage. The parent
// watches the heartbeat cell below; a thread whose event loop stops beating (an endless loop,
// synchronous or of microtasks) is terminated from outside.
const port = parentPort
if (!port) throw new Error('worker-strategy-bot runs as a worker_thread of the strategy worker')
const { heartbeat, beatMs } = workerData as BotThreadData
const beats = new Int32Array(heartbeat)
Atomics.add(beats, 0, 1)
setInterval(() => Atomics.add(beats, 0, 1), beatMs)

const runtime = new BotRuntime((message) => port.postMessage(message))
process.on('uncaughtException', (err) => runtime.fault(err))
process.on('unhandledRejection', (err) => runtime.fault(err))
port.on('message', (message: ParentToThread) => void runtime.handle(message))
