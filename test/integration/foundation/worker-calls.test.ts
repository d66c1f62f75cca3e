import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ForkSpawner } from '../../../src/main/headless/fork-spawner'
import { Supervisor } from '../../../src/main/supervisor/supervisor'
import { tempDir, waitFor } from '../../support/processes'

// A real child process that calls the host while it is still starting: the host's answer must
// reach it (a worker whose set-up waits on a call would otherwise never become ready).

const ENTRY = join(__dirname, '../../fixtures/calling-worker/worker.cjs')
let supervisor: Supervisor | undefined
let dir: ReturnType<typeof tempDir> | undefined

afterEach(async () => {
  await supervisor?.stop()
  supervisor = undefined
  dir?.remove()
})

describe("a worker's calls to the host", () => {
  it('are answered while the worker is still starting', async () => {
    dir = tempDir()
    const s = new Supervisor(new ForkSpawner(), [{ name: 'ai', entry: ENTRY, dependsOn: [] }], dir.path, { startTimeoutMs: 60_000 })
    supervisor = s
    const asked: Array<{ worker: string; method: string; params: unknown }> = []
    s.handleWorkerCalls(async (worker, method, params) => {
      asked.push({ worker, method, params })
      return { candles: [[1, 2, 3, 4, 5, 6]] }
    })
    const answers: unknown[] = []
    s.listen({ onWorkerEvent: (_w, name, payload) => name === 'answered' && answers.push(payload) })
    await s.start()
    await waitFor('the worker running', async () => s.health().find((w) => w.name === 'ai')?.state === 'running', 60_000, 50)
    expect(asked).toEqual([{ worker: 'ai', method: 'candles', params: { symbol: 'BTC/USDT' } }])
    expect(answers).toEqual([{ t: 'ret', id: 'during-setup', ok: true, result: { candles: [[1, 2, 3, 4, 5, 6]] } }])
  }, 120_000)
})
