import { join } from 'node:path'
import type { z } from 'zod'
import { BotLogParams, BotRef, CreateBotParams, StopBotParams, UpdateBotParams } from '../src/shared/bots'
import { CandleEvent } from '../src/shared/market'
import { Ticker } from '../src/shared/market-data'
import { FillCreated, OrderUpdated } from '../src/shared/trading'
import { BotManager } from '../src/core/strategy/bot-manager'
import { runWorker, validated } from './runtime/worker'

// The strategy worker runs user bots, quarantined: it holds no money state (execution owns
// every order and balance), so a bot that loops, leaks or throws costs only its own thread, and
// killing this whole process for any reason never touches an order. It owns strategy.db.
runWorker(async (ctx) => {
  const manager = new BotManager({
    dataDir: ctx.dataDir,
    threadEntry: process.env.KEEL_BOT_THREAD_ENTRY ?? join(__dirname, 'worker-strategy-bot.js'),
    call: (method, params) => ctx.call(method, params),
    emit: (event, payload) => ctx.emit(event, payload),
    log: ctx.log
  })
  ctx.onShutdown(() => manager.stop())

  const hear = <S extends z.ZodType>(name: string, schema: S, handle: (payload: z.output<S>) => void): void =>
    ctx.onNotify(name, (raw) => {
      const parsed = schema.safeParse(raw)
      if (parsed.success) handle(parsed.data)
      else ctx.log.warn(`ignored malformed ${name} from the host`)
    })
  hear('candle', CandleEvent, (e) => manager.candle(e))
  hear('ticker', Ticker, (t) => manager.ticker(t))
  hear('fillCreated', FillCreated, (f) => manager.fill(f))
  hear('orderUpdated', OrderUpdated, (o) => manager.orderUpdated(o))
  ctx.onNotify('killSwitchChanged', (raw) => {
    if ((raw as { engaged?: unknown } | null)?.engaged === true) void manager.halt('kill switch engaged: every bot halted')
  })

  await manager.start()
  return {
    listStrategies: () => manager.listStrategies(),
    createBot: validated(CreateBotParams, (p) => manager.createBot(p)),
    updateBot: validated(UpdateBotParams, (p) => manager.updateBot(p)),
    startBot: validated(BotRef, (p) => manager.startBot(p.id)),
    stopBot: validated(StopBotParams, (p) => manager.stopBot(p)),
    deleteBot: validated(BotRef, (p) => manager.deleteBot(p.id)),
    listBots: () => manager.listBots(),
    botLog: validated(BotLogParams, (p) => manager.botLog(p))
  }
})
