import { describe, expect, it } from 'vitest'
import { allOrders, health, ok } from '../trading/helpers'
import { servePerTest } from '../trading/helpers'
import { EVERY_TICK, bot, botLog, createBot, strategy, waitBot, writeStrategy } from './helpers'

// Six kinds of bad strategy, each in its own bot beside one good bot. Each bad bot is marked
// errored (or quarantined) with its own reason; the good bot keeps placing orders the whole
// time; execution and the strategy worker never restart.

const BAD = {
  'loop.ts': `import { defineStrategy } from 'keel/strategy'
export default defineStrategy({ name: 'Sync loop', onTick() { for (;;) {} } })
`,
  'microtasks.ts': `export default {
  name: 'Microtask loop',
  onTick() { const spin = (): Promise<void> => Promise.resolve().then(spin); void spin() }
}
`,
  'alloc.ts': `export default {
  name: 'Allocates without end',
  onTick() { const keep: number[][] = []; for (;;) keep.push(new Array(100_000).fill(1)) }
}
`,
  'slow.ts': `export default {
  name: 'Slow but yielding',
  async onTick() {
    const end = Date.now() + 5_000
    while (Date.now() < end) {
      const chunk = Date.now() + 20
      while (Date.now() < chunk) {}
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
  }
}
`,
  'throws.ts': `import { defineStrategy } from 'keel/strategy'
type Unused = { a: number }
export default defineStrategy({
  name: 'Throws',
  onTick() {
    throw new RangeError('bad tick')
  }
})
`
}

const server = servePerTest('keel-strategy-isolation-')

describe('bot isolation', () => {
  it('a looping, microtask-looping, leaking or throwing bot errors alone; the good bot and execution carry on', async () => {
    const s = await server.start(['BTC/USDT'])
    writeStrategy(server.dataDir, 'good.ts', EVERY_TICK)
    for (const [name, text] of Object.entries(BAD)) writeStrategy(server.dataDir, name, text)
    for (const name of ['good.ts', ...Object.keys(BAD)]) await strategy(s, `file:${name}`, (i) => !i.error)

    const good = await createBot(s, { name: 'good', strategy: 'file:good.ts' })
    await waitBot(s, good.id, 'first orders', (b) => b.orders >= 2)
    const budgetMs = 500
    const bad = {
      loop: await createBot(s, { name: 'loop', strategy: 'file:loop.ts', budgetMs }),
      microtasks: await createBot(s, { name: 'microtasks', strategy: 'file:microtasks.ts', budgetMs }),
      alloc: await createBot(s, { name: 'alloc', strategy: 'file:alloc.ts', budgetMs: 10_000, memoryMb: 32 }),
      throws: await createBot(s, { name: 'throws', strategy: 'file:throws.ts', budgetMs }),
      slow: await createBot(s, { name: 'slow', strategy: 'file:slow.ts', budgetMs })
    }
    const expected: Record<keyof typeof bad, { kind: string; message: RegExp }> = {
      loop: { kind: 'frozen', message: /onTick blocked its thread for more than 500 ms/ },
      // The callback itself returns at once; the microtasks it left spin the thread afterwards.
      microtasks: { kind: 'frozen', message: /blocked its thread for more than 500 ms/ },
      alloc: { kind: 'memory', message: /ran out of memory \(heap cap 32 MB\)/ },
      throws: { kind: 'threw', message: /throws\.ts:6:11: RangeError: bad tick/ },
      // Its thread keeps beating between 20 ms chunks: over budget, not frozen.
      slow: { kind: 'budget', message: /onTick ran over its time budget of 500 ms/ }
    }
    const ordersBefore = (await bot(s, good.id)).orders
    for (const [name, b] of Object.entries(bad) as Array<[keyof typeof bad, (typeof bad)[keyof typeof bad]]>) {
      const failed = await waitBot(s, b.id, `${name} errored`, (x) => x.lastError !== null && x.state !== 'running')
      expect(failed.state === 'errored' || failed.state === 'quarantined', `${name}: ${failed.state}`).toBe(true)
      expect(failed.lastError?.kind, name).toBe(expected[name].kind)
      expect(failed.lastError?.message, name).toMatch(expected[name].message)
      // From the callback's start (the bot's first tick after its start) to the error entry.
      const log = (await botLog(s, b.id)).reverse() // oldest first
      const startedAt = log.find((e) => e.message.startsWith('started'))!.at
      const erroredAt = log.find((e) => e.level === 'error' && e.at >= startedAt)!.at
      console.info(`${name}: errored ${erroredAt - startedAt} ms after its start (ticks arrive each second, budget ${b.budgetMs} ms)`)
    }
    expect((await bot(s, bad.throws.id)).lastError?.location).toMatchObject({ line: 6, column: 11 })

    // The good bot traded through all of it, and is still running.
    await waitBot(s, good.id, 'more orders after the bad bots failed', (b) => b.orders >= ordersBefore + 3)
    expect((await bot(s, good.id)).state).toBe('running')
    const goodOrders = await allOrders(s, good.account)
    expect(goodOrders.length).toBeGreaterThanOrEqual(ordersBefore + 3)
    expect(goodOrders.every((o) => o.status === 'filled')).toBe(true)
    // Nothing of the bad bots reached execution.
    for (const b of Object.values(bad)) expect(await allOrders(s, b.account)).toEqual([])

    const workers = (await health(s)).workers
    expect(workers.find((w) => w.name === 'execution')?.restarts).toBe(0)
    expect(workers.find((w) => w.name === 'strategy')?.restarts).toBe(0)

    // Past its restart intensity a failing bot is quarantined, not restarted forever.
    await waitBot(s, bad.throws.id, 'quarantined', (x) => x.state === 'quarantined', 30_000)
    await ok(s, 'stopBot', { id: bad.throws.id })
  })

  it('a syntax error on reload is shown with file:line:column and the running version keeps trading', async () => {
    const s = await server.start(['BTC/USDT'])
    writeStrategy(server.dataDir, 'reload.ts', EVERY_TICK)
    await strategy(s, 'file:reload.ts', (i) => !i.error)
    const b = await createBot(s, { name: 'reloader', strategy: 'file:reload.ts' })
    await waitBot(s, b.id, 'first orders', (x) => x.orders >= 1)

    const broken = `  onTick(ctx) { ctx.order({ symbol: ctx.symbol, side: 'buy', type: 'market', amount: }) }`
    writeStrategy(server.dataDir, 'reload.ts', `import { defineStrategy } from 'keel/strategy'\nexport default defineStrategy({\n  name: 'Broken',\n${broken}\n})\n`)
    const column = broken.indexOf('amount: }') + 'amount: '.length + 1 // the stray "}", counted from 1
    const info = await strategy(s, 'file:reload.ts', (i) => i.error !== undefined)
    expect(info.error?.location).toMatchObject({ line: 4, column })
    expect(info.error?.message).toContain(`reload.ts:4:${column}: Unexpected "}"`)
    const log = await botLog(s, b.id)
    expect(log.some((e) => e.level === 'error' && e.message.includes(`does not load, the running version stays: `) && e.message.includes(`reload.ts:4:${column}`))).toBe(true)

    const before = (await bot(s, b.id)).orders
    await waitBot(s, b.id, 'orders after the broken save', (x) => x.orders >= before + 2 && x.state === 'running')
    expect((await bot(s, b.id)).lastError).toBeNull()
  })
})
