import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Bot, ListStrategiesResult, type BotLogEntry, type StrategyInfo } from '../../../src/shared/bots'
import { waitFor, type ServeProcess } from '../../support/processes'
import { ok } from '../trading/helpers'

// Shared by the strategy integration tests: a real `keel serve`, strategy files dropped into
// its strategies folder, bots driven over HTTP.

export function writeStrategy(dataDir: string, name: string, text: string): void {
  writeFileSync(join(dataDir, 'strategies', name), text)
}

export async function strategy(s: ServeProcess, id: string, until: (info: StrategyInfo) => boolean = () => true): Promise<StrategyInfo> {
  return waitFor(`strategy ${id}`, async () => {
    const info = ListStrategiesResult.parse(await ok(s, 'listStrategies')).strategies.find((x) => x.id === id)
    return info && until(info) ? info : undefined
  }, 15_000, 100)
}

export async function bots(s: ServeProcess): Promise<Bot[]> {
  return (await ok<unknown[]>(s, 'listBots')).map((b) => Bot.parse(b))
}

export async function bot(s: ServeProcess, id: string): Promise<Bot> {
  const found = (await bots(s)).find((b) => b.id === id)
  if (!found) throw new Error(`no bot ${id}`)
  return found
}

export async function waitBot(s: ServeProcess, id: string, what: string, until: (b: Bot) => boolean, timeoutMs = 20_000): Promise<Bot> {
  return waitFor(`bot ${id}: ${what}`, async () => {
    const b = await bot(s, id)
    return until(b) ? b : undefined
  }, timeoutMs, 100)
}

export async function createBot(s: ServeProcess, params: Record<string, unknown>): Promise<Bot> {
  return Bot.parse(await ok(s, 'createBot', { symbol: 'BTC/USDT', start: true, ...params }))
}

export async function botLog(s: ServeProcess, id: string): Promise<BotLogEntry[]> {
  return (await ok<{ entries: BotLogEntry[] }>(s, 'botLog', { id, limit: 1000 })).entries
}

/** A tick strategy that buys `amount` on every tick: the bot that must keep trading. */
export const EVERY_TICK = `import { defineStrategy } from 'keel/strategy'
export default defineStrategy({
  name: 'Every tick',
  params: { amount: { type: 'float', default: 0.0001, min: 0 } },
  async onTick(ctx) {
    await ctx.order({ symbol: ctx.symbol, side: 'buy', type: 'market', amount: ctx.params.amount as number })
  }
})
`
