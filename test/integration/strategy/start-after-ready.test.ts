import { describe, expect, it } from 'vitest'
import { ListStrategiesResult } from '../../../src/shared/bots'
import { waitFor } from '../../support/processes'
import { health, ok, servePerTest, workerPid } from '../trading/helpers'
import { bots, createBot, strategy, writeStrategy } from './helpers'

// The strategy worker answers ready before its strategy files are compiled and probed (each
// takes a thread and tens of ms): the bot methods wait for that load, so a client that calls
// them the moment the worker is back sees every file and every bot, as before the restart.

const FILES = ['a', 'b', 'c', 'd', 'e', 'f']
const source = (name: string) => `import { defineStrategy } from 'keel/strategy'
export default defineStrategy({
  name: 'Strategy ${name.toUpperCase()}',
  params: { amount: { type: 'float', default: 0.0001, min: 0 } },
  onCandle() {}
})
`

const server = servePerTest('keel-strategy-start-')

describe('strategy worker start', () => {
  it('bot methods called the moment a restarted worker is ready see every strategy file and bot', { timeout: 120_000 }, async () => {
    const s = await server.start(['BTC/USDT'])
    for (const f of FILES) writeStrategy(server.dataDir, `${f}.ts`, source(f))
    for (const f of FILES) await strategy(s, `file:${f}.ts`, (i) => !i.error)
    const made = await createBot(s, { name: 'idle', strategy: 'file:a.ts', start: false })

    const pid = await workerPid(s, 'strategy')
    process.kill(pid, 'SIGKILL')
    await waitFor('the strategy worker back', async () => {
      const w = (await health(s)).workers.find((x) => x.name === 'strategy')
      return w?.state === 'running' && w.pid !== pid
    }, 20_000, 10)

    const [listed, botList, created] = await Promise.all([
      ok(s, 'listStrategies').then((r) => ListStrategiesResult.parse(r).strategies),
      bots(s),
      createBot(s, { name: 'new', strategy: 'file:f.ts', start: false })
    ])
    const files = listed.filter((x) => x.source !== 'builtin')
    expect(files.map((x) => [x.id, x.name, x.error])).toEqual(FILES.map((f) => [`file:${f}.ts`, `Strategy ${f.toUpperCase()}`, undefined]))
    expect(botList.find((b) => b.id === made.id)).toMatchObject({ strategyName: 'Strategy A', state: 'stopped' })
    expect(created.strategyName).toBe('Strategy F')
    expect((await health(s)).workers.find((x) => x.name === 'strategy')?.restarts).toBe(1)
  })
})
