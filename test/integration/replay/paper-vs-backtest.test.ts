import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ListRecordingsResult, RecorderStatus, ReplayReport, ReasonCode } from '../../../src/shared/replay'
import { Fill, Order } from '../../../src/shared/trading'
import { CLI, startServe, stopProcess, tempDir, waitFor, type ServeProcess } from '../../support/processes'
import { cents, mids, ok, sleep, waitAllRunning, waitTradable } from '../trading/helpers'

// A real paper session: `keel serve` on the demo market, orders over HTTP (market orders that
// walk the live book, resting limits near the price that fill from the demo's trades, a cancel,
// an amend). The execution worker records it; the recording is then replayed through a fresh
// engine, over the API and by the CLI, and its fills must equal, field for field, the fills
// listFills answers over HTTP. Then the whole tree is SIGKILLed: what was recorded before the kill
// still replays to the journal's fills.

const BTC = 'BTC/USDT'
const ACCT = 'replay'
let serve: ServeProcess
let dir: ReturnType<typeof tempDir>

beforeAll(async () => {
  dir = tempDir('keel-replay-')
  serve = await startServe(dir.path)
  await waitAllRunning(serve)
  await waitTradable(serve, [BTC])
}, 60_000)

afterAll(async () => {
  if (serve) await stopProcess(serve.child, 'SIGKILL')
  dir?.remove()
})

async function httpFills(account: string): Promise<Fill[]> {
  const fills: Fill[] = []
  let cursor: string | undefined
  for (;;) {
    const page = await ok<{ fills: unknown[]; nextCursor?: string }>(serve, 'listFills', { account, limit: 1000, ...(cursor && { cursor }) })
    fills.push(...page.fills.map((f) => Fill.parse(f)))
    if (!page.nextCursor) return fills.sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)))
    cursor = page.nextCursor
  }
}

const place = async (params: Record<string, unknown>) => Order.parse(await ok(serve, 'placeOrder', { account: ACCT, symbol: BTC, ...params }))

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'replay', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

async function latestRecording(): Promise<string> {
  const { recordings } = ListRecordingsResult.parse(await ok(serve, 'listRecordings', {}))
  expect(recordings.length).toBeGreaterThan(0)
  return recordings[0].id
}

describe('paper vs backtest on a real paper session', () => {
  it('the recorded session replays to exactly the fills listFills answers over HTTP (API and CLI)', async () => {
    await ok(serve, 'resetAccount', { account: ACCT, balances: { USDT: 100_000, BTC: 0.5 } })
    await place({ side: 'buy', type: 'market', amount: 0.01 })
    await place({ side: 'sell', type: 'market', amount: 0.004 })
    const mid = (await mids(serve, [BTC]))[BTC]!
    // Resting limits just inside the demo's price moves fill from its trades, partly or wholly.
    const near = [0.00001, 0.00003, 0.0001].flatMap((f, i) => [
      place({ side: 'buy', type: 'limit', amount: 0.003, price: cents(mid * (1 - f)), clientOrderId: `nb${i}` }),
      place({ side: 'sell', type: 'limit', amount: 0.003, price: cents(mid * (1 + f)), clientOrderId: `ns${i}` })
    ])
    await Promise.all(near)
    const far = await place({ side: 'buy', type: 'limit', amount: 0.002, price: cents(mid * 0.7) })
    await ok(serve, 'amendOrder', { account: ACCT, orderId: far.id, price: cents(mid * 0.69) })
    await ok(serve, 'cancelOrder', { account: ACCT, orderId: far.id })
    await place({ side: 'buy', type: 'stop_market', amount: 0.002, stopPrice: cents(mid * 1.0005) })
    // Let the market move through some of the limits.
    await waitFor('a limit fill from the demo trades', async () => (await httpFills(ACCT)).some((f) => f.liquidity === 'maker'), 45_000, 250)
    await sleep(1_000)
    await place({ side: 'buy', type: 'market', amount: 0.001 })
    // Nothing left resting: no fill can land between reading the journal and reading the recording.
    await ok(serve, 'cancelAll', { account: ACCT })

    const live = await httpFills(ACCT)
    expect(live.length).toBeGreaterThanOrEqual(4)
    const id = await latestRecording()
    const recorder = RecorderStatus.parse(await ok(serve, 'recorderStatus', {}))
    expect(recorder).toMatchObject({ recording: true, file: `${id}.jsonl`, maxBytes: 256 * 1024 * 1024 })
    expect(recorder.stopped).toBeUndefined()
    const { status, body } = await serve.call('compareReplay', { id, account: ACCT })
    expect(status).toBe(200)
    const report = ReplayReport.parse(body)
    // Compared here, independently of the report's own comparison: every fill, every field.
    const replayed = report.faithful.fills.filter((f) => f.account === ACCT)
    expect(replayed).toEqual(live)
    expect(report.faithful).toMatchObject({ differences: [], onlyLive: [], onlyReplay: [], problems: [] })
    expect(report.faithful.live).toEqual({ checked: true, fills: live.length, matched: live.length })
    // The candle-based run of the same period: one comparison per order placed, each with a known reason.
    const [cmp] = report.candles
    expect(cmp).toMatchObject({ account: ACCT, symbol: BTC })
    expect(cmp.orders.length).toBe(11) // 3 market, 6 near limits, the cancelled one, the stop
    for (const o of cmp.orders) {
      expect(o.reasons.length).toBeGreaterThan(0)
      for (const r of o.reasons) expect(ReasonCode.options).toContain(r.code)
    }

    const cli = await runCli([id, '--data-dir', dir.path, '--account', ACCT, '--json'])
    expect(cli.stderr).toBe('')
    expect(cli.code).toBe(0)
    const cliReport = ReplayReport.parse(JSON.parse(cli.stdout))
    expect(cliReport.faithful.fills.filter((f) => f.account === ACCT)).toEqual(live)
    expect(cliReport.faithful.live).toEqual({ checked: true, fills: live.length, matched: live.length })
    const table = await runCli(['latest', '--data-dir', dir.path, '--account', ACCT])
    expect(table.code).toBe(0)
    expect(table.stdout).toContain(`journal ${live.length}, identical ${live.length}; 0 field differences, 0 only in the journal, 0 only in the replay`)
  }, 90_000)

  it('after the whole tree is SIGKILLed, what was recorded still replays to the journal; the restart records a new session', async () => {
    const before = await latestRecording()
    await place({ side: 'buy', type: 'market', amount: 0.002 })
    const live = await httpFills(ACCT)
    await stopProcess(serve.child, 'SIGKILL')
    // Workers of the killed host notice their parent is gone and exit on their own.
    await sleep(1_500)
    serve = await startServe(dir.path)
    await waitAllRunning(serve)
    await waitTradable(serve, [BTC])
    const killed = await runCli([before, '--data-dir', dir.path, '--account', ACCT, '--json'])
    expect(killed.code).toBe(0)
    const report = ReplayReport.parse(JSON.parse(killed.stdout))
    expect(report.faithful.fills.filter((f) => f.account === ACCT)).toEqual(live)
    expect(report.faithful.onlyLive).toEqual([])

    await place({ side: 'sell', type: 'market', amount: 0.002 })
    const after = await latestRecording()
    expect(after).not.toBe(before)
    const fresh = ReplayReport.parse(await ok(serve, 'compareReplay', { id: after, account: ACCT }))
    const newFills = (await httpFills(ACCT)).filter((f) => !live.some((l) => l.id === f.id))
    expect(newFills.length).toBeGreaterThan(0)
    expect(fresh.faithful.fills.filter((f) => f.account === ACCT)).toEqual(newFills)
    expect(fresh.faithful.live).toEqual({ checked: true, fills: newFills.length, matched: newFills.length })

    // Bad input: a 4xx with the reason, never a 5xx.
    const bad = await serve.call('compareReplay', { id: '../../etc/passwd' })
    expect(bad.status).toBe(400)
    const missing = await serve.call('compareReplay', { id: 'session-1-2-3' })
    expect(missing.status).toBe(404)
  }, 120_000)
})
