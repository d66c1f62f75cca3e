import { join } from 'node:path'
import { parseInput, type RawEngineInput } from '../../../src/core/exchange'
import { Executor } from '../../../src/core/execution/executor'
import { TradingStore } from '../../../src/core/storage/trading'
import { SessionRecorder } from '../../../src/core/backtest/replay-recorder'

/**
 * The execution worker's order path in small, for recorder-buffer.test.ts: each message is one
 * batch, applied through the real executor (journal, then the recorder's tap), then acknowledged
 * in the same turn; 'close' stops cleanly. The parent SIGKILLs it at will.
 */
const dataDir = process.argv[2]!
const store = TradingStore.open(join(dataDir, 'trading.db'))
const executor = new Executor(store)
const recorder = new SessionRecorder({ dir: join(dataDir, 'recordings'), maxBytes: 1 << 30, segmentBytes: 1 << 28, log: (m) => process.stderr.write(`${m}\n`) })
executor.setTap(recorder)

process.on('message', (message: { batch?: RawEngineInput[]; close?: true }) => {
  if (message.close) {
    recorder.close()
    store.close()
    process.exit(0)
  }
  executor.applyBatch((message.batch ?? []).map((raw) => parseInput(raw)))
  process.send?.({ acked: true })
})
process.send?.({ ready: true })
