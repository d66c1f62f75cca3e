import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeStrategySdk } from '../../../src/core/strategy/sdk-files'

// The declarations Keel writes into the strategies folder, checked by the TypeScript compiler
// the way a user's editor would: a correct strategy type-checks, a wrong one does not.

const TSC = resolve(__dirname, '../../../node_modules/typescript/bin/tsc')
const dir = mkdtempSync(join(tmpdir(), 'keel-sdk-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function typecheck(): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [TSC, '-p', dir], { encoding: 'utf8' })
  return { status: r.status, output: `${r.stdout}${r.stderr}` }
}

describe('keel/strategy declarations', () => {
  it('type-check a strategy that uses the whole context, and catch a wrong one', async () => {
    await writeStrategySdk(dir)
    writeFileSync(
      join(dir, 'good.ts'),
      `import { defineStrategy, perBot, type StrategyContext } from 'keel/strategy'
const sma = perBot((ctx: StrategyContext) => ctx.indicators.sma(ctx.params.period as number))
export default defineStrategy({
  name: 'Typed',
  timeframe: '5m',
  params: { period: { type: 'int', default: 20, min: 2 }, side: { type: 'enum', default: 'buy', options: ['buy', 'sell'] } },
  async onCandle(ctx, candle) {
    const avg = sma(ctx).update(candle.close)
    if (avg !== undefined && candle.close > avg && ctx.position.amount === 0 && ctx.balance('USDT').free > 100) {
      const order = await ctx.order({ symbol: ctx.symbol, side: 'buy', type: 'limit', amount: 0.01, price: candle.close })
      ctx.state.last = order.id
      ctx.log.info('entered', { at: ctx.now(), open: ctx.openOrders().length, seen: ctx.candles(10).length })
    }
  }
})
`
    )
    expect(typecheck()).toMatchObject({ status: 0 })

    writeFileSync(join(dir, 'bad.ts'), `import { defineStrategy } from 'keel/strategy'\nexport default defineStrategy({ name: 'Bad', async onTick(ctx) { await ctx.order({ symbol: ctx.symbol, side: 'long', type: 'market' }) } })\n`)
    const bad = typecheck()
    expect(bad.status).not.toBe(0)
    expect(bad.output).toMatch(/bad\.ts\(2,/)
  }, 60_000)
})
