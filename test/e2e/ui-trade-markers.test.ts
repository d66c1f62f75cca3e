import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { BacktestReport } from '../../src/shared/backtest'
import { Bot } from '../../src/shared/bots'
import { Fill } from '../../src/shared/trading'
import { waitFor } from '../support/processes'
import type { ServeProcess } from '../support/processes'
import { useUiSession } from './ui-session'

// Trades marked on the price charts, read back from chart.js's own datasets in a real Chromium
// and compared with what the API says happened: the trader's fills, a bot's fills (after the
// Bots tab's "Chart"), and a stored backtest's entries and exits on the candles it ran on.

const MINUTE = 60_000
const HOUR = 3_600_000

interface Point {
  x: number
  y: number
  time: number
}
interface ChartData {
  buys: Point[]
  sells: Point[]
  candles: { x: number; o: number; h: number; l: number; c: number }[]
  /** Rows of the buy and sell marker images that have paint: [first, last] of a height. */
  buyInk: [number, number, number]
  sellInk: [number, number, number]
}

/** The datasets of the chart.js instance behind a canvas (PriceChart exposes it as `chartjs`). */
async function chartData(page: Page, canvasLabel: string): Promise<ChartData> {
  return page.getByRole('img', { name: canvasLabel, exact: true }).evaluate((canvas) => {
    type Ds = { label: string; data: unknown[]; pointStyle?: unknown }
    const chart = (canvas as unknown as { chartjs: { data: { datasets: Ds[] } } }).chartjs
    const by = (label: string) => chart.data.datasets.find((d) => d.label === label)!
    // Which rows of a marker image are painted: a buy's body is below its tip (the image centre), a sell's above.
    const ink = (image: unknown): [number, number, number] => {
      const c = image as HTMLCanvasElement
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
      const rows: number[] = []
      for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) if (px[(y * c.width + x) * 4 + 3]! > 0) rows.push(y)
      return [Math.min(...rows), Math.max(...rows), c.height]
    }
    return {
      buys: by('Buys').data as Point[],
      sells: by('Sells').data as Point[],
      candles: by('Price').data as ChartData['candles'],
      buyInk: ink(by('Buys').pointStyle),
      sellInk: ink(by('Sells').pointStyle)
    }
  })
}

async function fillsOf(serve: ServeProcess, account: string, symbol: string): Promise<Fill[]> {
  const { status, body } = await serve.call('listFills', { account, symbol, limit: 1000 })
  expect(status).toBe(200)
  return (body as { fills: unknown[] }).fills.map((f) => Fill.parse(f))
}

/** What the chart must show for fills: one mark per fill, on the candle (step) it happened in, at its price. */
function expectedMarks(fills: { side: 'buy' | 'sell'; price: number; time: number }[], step: number): { buys: Point[]; sells: Point[] } {
  const point = (f: { price: number; time: number }) => ({ x: Math.floor(f.time / step) * step, y: f.price, time: f.time })
  const order = (a: Point, b: Point) => a.time - b.time || a.y - b.y
  return { buys: fills.filter((f) => f.side === 'buy').map(point).sort(order), sells: fills.filter((f) => f.side === 'sell').map(point).sort(order) }
}

const sorted = (points: Point[]) => points.map(({ x, y, time }) => ({ x, y, time })).sort((a, b) => a.time - b.time || a.y - b.y)

/** The chart's marks equal the expected ones (waits: events and candles arrive on their own time). */
async function waitMarks(page: Page, canvasLabel: string, expected: { buys: Point[]; sells: Point[] }): Promise<ChartData> {
  let last: ChartData | undefined
  try {
    return await waitFor(`the marks on "${canvasLabel}"`, async () => {
      last = await chartData(page, canvasLabel)
      const same = JSON.stringify([sorted(last.buys), sorted(last.sells)]) === JSON.stringify([expected.buys, expected.sells])
      return same ? last : undefined
    }, 20_000, 250)
  } catch (err) {
    throw new Error(`${(err as Error).message}\nchart: ${JSON.stringify({ buys: last?.buys, sells: last?.sells })}\nexpected: ${JSON.stringify(expected)}`, { cause: err })
  }
}

const FEW_TRADES = `import { defineStrategy } from 'keel/strategy'
export default defineStrategy({
  name: 'Few trades',
  async onTick(ctx) {
    const n = (ctx.state.n as number | undefined) ?? 0
    if (n >= 4) return
    ctx.state.n = n + 1
    await ctx.order({ symbol: ctx.symbol, side: n % 2 === 0 ? 'buy' : 'sell', type: 'market', amount: 0.01 })
  }
})
`

describe('trades on the price charts (keel serve + Chromium)', () => {
  const session = useUiSession()

  it('marks the trader\'s fills: buys ▲ below and sells ▼ above their price, on the candle they happened in', async () => {
    const { page, serve } = session
    await waitFor('a tradable demo book', async () => {
      const r = await serve.call('placeOrder', { account: 'default', symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 0.001 })
      return r.status === 200
    }, 20_000, 200)
    for (const side of ['buy', 'sell', 'buy'] as const) {
      const r = await serve.call('placeOrder', { account: 'default', symbol: 'BTC/USDT', side, type: 'market', amount: 0.001 })
      expect(r.status).toBe(200)
    }
    const fills = await fillsOf(serve, 'default', 'BTC/USDT')
    expect(fills.length).toBeGreaterThanOrEqual(4)
    const data = await waitMarks(page, 'BTC/USDT candlestick chart, 1m', expectedMarks(fills.map((f) => ({ side: f.side, price: f.price, time: f.timestamp })), MINUTE))
    // Each mark sits on a candle the chart shows.
    const candleTimes = new Set(data.candles.map((c) => c.x))
    for (const p of [...data.buys, ...data.sells]) expect(candleTimes.has(p.x)).toBe(true)
    // The images: a buy's body below its tip at the centre, a sell's above.
    const [buyTop, , buyHeight] = data.buyInk
    const [, sellBottom, sellHeight] = data.sellInk
    expect(buyTop).toBeGreaterThanOrEqual(Math.floor(buyHeight / 2) - 1)
    expect(sellBottom).toBeLessThanOrEqual(Math.ceil(sellHeight / 2) + 1)
  }, 90_000)

  it('Bots → Chart switches the chart to the bot\'s market and marks the bot\'s fills, not the trader\'s', async () => {
    const { page, serve } = session
    const folder = ((await serve.call('listStrategies')).body as { folder: string }).folder
    writeFileSync(join(folder, 'few.ts'), FEW_TRADES)
    await waitFor('the strategy file loaded', async () => {
      const list = (await serve.call('listStrategies')).body as { strategies: { id: string; error?: unknown }[] }
      return list.strategies.some((s) => s.id === 'file:few.ts' && !s.error)
    }, 20_000, 200)
    const created = await serve.call('createBot', { name: 'marker bot', strategy: 'file:few.ts', symbol: 'ETH/USDT', start: true })
    expect(created.status).toBe(200)
    const bot = Bot.parse(created.body)
    const botFills = await waitFor('the bot\'s four fills', async () => {
      const f = await fillsOf(serve, bot.account, 'ETH/USDT')
      return f.length >= 4 ? f : undefined
    }, 30_000, 250)

    await page.getByRole('tab', { name: 'Bots' }).click()
    await page.getByRole('button', { name: 'Show bot marker bot on chart' }).click()
    expect(await page.getByLabel('Trades shown on the chart').inputValue()).toBe(bot.account)
    const data = await waitMarks(page, 'ETH/USDT candlestick chart, 1m', expectedMarks(botFills.map((f) => ({ side: f.side, price: f.price, time: f.timestamp })), MINUTE))
    expect(data.buys).toHaveLength(2)
    expect(data.sells).toHaveLength(2)

    // Back to the trader's own account: the bot's marks go, the trader has no ETH fills.
    await page.getByLabel('Trades shown on the chart').selectOption('default')
    await page.locator('.chart-panel').screenshot({ path: 'test-results/trade-markers-bot.png' })
    await waitMarks(page, 'ETH/USDT candlestick chart, 1m', { buys: [], sells: [] })
  }, 90_000)

  it('a backtest run shows its candles with each entry ▲ and exit ▼ at the trade\'s price and candle', async () => {
    const { page, serve } = session
    const to = Math.floor(Date.now() / 86_400_000) * 86_400_000
    const from = to - 400 * HOUR
    const started = await serve.call('runBacktest', { strategy: 'sma-cross', data: 'demo:BTC/USDT:1h', from, to, params: { fast: 5, slow: 20, amount: 0.01 }, config: { fill: 'next-open', warmup: 20 } })
    expect(started.status).toBe(200)
    const id = await waitFor('the stored run', async () => {
      const { backtests } = (await serve.call('listBacktests', { limit: 10 })).body as { backtests: { id: number }[] }
      return backtests[0]?.id
    }, 60_000, 250)
    const report = BacktestReport.parse(((await serve.call('getBacktest', { id })).body as { report: unknown }).report)
    expect(report.data.candles).toBe(400)
    expect(report.trades.length).toBeGreaterThan(1)

    await page.getByRole('tab', { name: 'Backtest' }).click()
    await page.getByRole('table', { name: 'Stored backtests' }).getByRole('cell', { name: String(id), exact: true }).click()
    const marks = [
      ...report.trades.flatMap((t) => [
        { side: 'buy' as const, price: t.entryPrice, time: t.entryTime },
        { side: 'sell' as const, price: t.exitPrice, time: t.exitTime }
      ]),
      ...report.openTrades.map((t) => ({ side: 'buy' as const, price: t.entryPrice, time: t.entryTime }))
    ]
    const data = await waitMarks(page, `Run #${id} candlestick chart with entries and exits`, expectedMarks(marks, HOUR))
    // The candles are the run's: 400 hourly candles from `from`, the last one starting an hour before `to`.
    expect(data.candles).toHaveLength(400)
    expect(data.candles[0]!.x).toBe(from)
    expect(data.candles.at(-1)!.x).toBe(to - HOUR)
    for (let i = 1; i < data.candles.length; i++) expect(data.candles[i]!.x - data.candles[i - 1]!.x).toBe(HOUR)
    // next-open fills: a trade's price is the open of the candle it is marked on.
    const byTime = new Map(data.candles.map((c) => [c.x, c]))
    for (const p of [...data.buys, ...data.sells]) expect(byTime.get(p.x)?.o).toBeCloseTo(p.y, 6)
    await page.locator('.backtest-price-chart').screenshot({ path: 'test-results/trade-markers-backtest.png' })
  }, 120_000)
})
