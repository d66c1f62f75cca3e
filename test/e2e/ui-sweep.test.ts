import { describe, expect, it } from 'vitest'
import { GetSweepResult, GetWalkForwardResult, ListSweepsResult, ListWalkForwardsResult } from '../../src/shared/optimization'
import { useUiSession } from './ui-session'

// The Backtest panel's Sweep and Walk-forward views on a real keel serve + Chromium: a 2×2 grid
// on the demo history shows four heatmap cells whose values are the objective getSweep returns
// over HTTP; a cell opens that point's full backtest; a walk-forward lists each window's IS and OOS;
// a cancelled sweep and walk-forward carry on from their Resume buttons.

describe('Sweep and walk-forward views (keel serve + Chromium)', () => {
  const session = useUiSession()

  it('a 2×2 grid sweep: four heatmap cells with the values getSweep returns; a cell opens its backtest', async () => {
    const { page, serve } = session
    await page.getByRole('tab', { name: 'Backtest' }).click()
    await page.getByRole('group', { name: 'Backtest view' }).getByRole('button', { name: 'Sweep' }).click()
    const form = page.getByRole('form', { name: 'New sweep' })
    await form.getByLabel('Data').fill('demo:BTC/USDT:1h')
    await form.getByLabel('Vary').fill('fast=5,10 slow=20..30:10')
    await form.getByLabel('Objective').selectOption('totalReturn')
    await form.getByRole('button', { name: 'Run sweep' }).click()

    const { sweeps } = ListSweepsResult.parse((await waitOk(() => serve.call('listSweeps', {}), (b) => ListSweepsResult.parse(b).sweeps.length === 1)).body)
    const id = sweeps[0].id
    const result = GetSweepResult.parse((await waitOk(() => serve.call('getSweep', { id }), (b) => GetSweepResult.parse(b).sweep.state === 'done')).body)
    expect(result.points).toHaveLength(4)

    const grid = page.getByRole('grid', { name: 'Sweep heatmap' })
    const cells = grid.getByRole('gridcell')
    await page.waitForFunction(() => {
      const all = [...document.querySelectorAll('[aria-label="Sweep heatmap"] [role="gridcell"]')]
      return all.length === 4 && all.every((c) => c.getAttribute('data-value') !== '')
    }, undefined, { timeout: 60_000 })
    expect(await cells.count()).toBe(4)
    for (let k = 0; k < 4; k++) {
      const cell = cells.nth(k)
      const point = result.points[Number(await cell.getAttribute('data-point'))]
      // totalReturn is ranked as is (higher is better): the cell holds exactly that number.
      expect(Number(await cell.getAttribute('data-value'))).toBe(point.metrics?.totalReturn)
      expect(await cell.getAttribute('aria-label')).toBe(`fast=${point.params.fast}, slow=${point.params.slow}: ${((point.metrics?.totalReturn ?? 0) * 100).toFixed(2)} %`)
    }
    // Rows are the first param, columns the second: fast 5 then 10 down, slow 20 then 30 across.
    expect(await cells.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')?.split(':')[0]))).toEqual([
      'fast=5, slow=20',
      'fast=5, slow=30',
      'fast=10, slow=20',
      'fast=10, slow=30'
    ])
    expect(await page.getByRole('table', { name: 'Sweep results' }).getByRole('row').count()).toBe(5)
    await grid.scrollIntoViewIfNeeded()
    await page.locator('.backtest-panel').screenshot({ path: 'test-results/backtest-sweep.png' })

    const target = result.points[3]
    await cells.nth(3).click()
    const metrics = page.getByRole('table', { name: 'Metrics' })
    await metrics.waitFor({ timeout: 60_000 })
    await expect(metrics.getByRole('row', { name: /Total return/ }).textContent()).resolves.toContain(`${((target.metrics?.totalReturn ?? 0) * 100).toFixed(2)} %`)
    const { body } = await serve.call('listBacktests', {})
    const stored = (body as { backtests: { params: Record<string, unknown>; metrics: unknown }[] }).backtests[0]
    expect(stored.params).toMatchObject({ fast: 10, slow: 30 })
    expect(stored.metrics).toEqual(target.metrics)
  }, 180_000)

  it('a walk-forward shows each window IS beside OOS with trials and the overfit flag', async () => {
    const { page, serve } = session
    await page.getByRole('group', { name: 'Backtest view' }).getByRole('button', { name: 'Walk-forward' }).click()
    const form = page.getByRole('form', { name: 'New walk-forward' })
    await form.getByLabel('Vary').fill('fast=5,10 slow=20,30')
    await form.getByLabel('In-sample candles').fill('400')
    await form.getByLabel('Out-of-sample candles').fill('200')
    await form.getByRole('button', { name: 'Run walk-forward' }).click()
    const { walkForwards } = ListWalkForwardsResult.parse(
      (await waitOk(() => serve.call('listWalkForwards', {}), (b) => ListWalkForwardsResult.parse(b).walkForwards[0]?.state === 'done')).body
    )
    const wf = GetWalkForwardResult.parse((await serve.call('getWalkForward', { id: walkForwards[0].id })).body)
    // 1,000 demo candles, IS 400, OOS 200: OOS windows end at 600, 800, 1000.
    expect(wf.windows).toHaveLength(3)
    const table = page.getByRole('table', { name: 'Walk-forward windows' })
    await page.waitForFunction(() => document.querySelectorAll('[aria-label="Walk-forward windows"] tbody tr').length === 3, undefined, { timeout: 60_000 })
    const rows = table.locator('tbody tr')
    for (const [k, w] of wf.windows.entries()) {
      const cells = await rows.nth(k).locator('td').allTextContents()
      expect(cells[3]).toBe('4')
      expect(cells[9]).toBe(w.overfit ? 'overfit' : 'ok')
    }
    await table.scrollIntoViewIfNeeded()
    await page.locator('.backtest-panel').screenshot({ path: 'test-results/backtest-walk-forward.png' })
  }, 180_000)

  it('Resume on a cancelled sweep and walk-forward: each runs on to done, keeping the points it had', async () => {
    const { page, serve } = session
    const base = { strategy: 'sma-cross', data: 'demo:BTC/USDT:1h', params: { amount: 0.01 }, config: { warmup: 30 } }
    const axes = { fast: { min: 2, max: 11, step: 1 }, slow: { min: 20, max: 65, step: 5 } }
    const sweepId = (await serve.call('runSweep', { base, axes })).body as { sweepId: number }
    const walkForwardId = (await serve.call('runWalkForward', { sweep: { base, axes }, inSample: 400, outOfSample: 200 })).body as { walkForwardId: number }
    // 100 points and 303 trials: far from done when the cancels arrive.
    expect((await serve.call('cancelSweep', { id: sweepId.sweepId })).body).toEqual({ cancelled: true })
    expect((await serve.call('cancelWalkForward', { id: walkForwardId.walkForwardId })).body).toEqual({ cancelled: true })
    const kept = GetSweepResult.parse((await waitOk(() => serve.call('getSweep', { id: sweepId.sweepId }), (b) => GetSweepResult.parse(b).sweep.state === 'cancelled')).body)
    await waitOk(() => serve.call('getWalkForward', { id: walkForwardId.walkForwardId }), (b) => GetWalkForwardResult.parse(b).walkForward.state === 'cancelled')

    const views = page.getByRole('group', { name: 'Backtest view' })
    const cases = [
      { view: 'Sweep', table: 'Sweeps', id: sweepId.sweepId, done: () => serve.call('getSweep', { id: sweepId.sweepId }), ended: (b: unknown) => GetSweepResult.parse(b).sweep.state === 'done' },
      { view: 'Walk-forward', table: 'Walk-forwards', id: walkForwardId.walkForwardId, done: () => serve.call('getWalkForward', { id: walkForwardId.walkForwardId }), ended: (b: unknown) => GetWalkForwardResult.parse(b).walkForward.state === 'done' }
    ]
    for (const c of cases) {
      await views.getByRole('button', { name: c.view }).click()
      // The row whose first cell (#) is the job's id.
      const row = page.getByRole('table', { name: c.table }).locator('tbody tr').filter({ has: page.locator(`td:first-child:text-is("${c.id}")`) })
      await expect(row.getByRole('cell', { name: 'cancelled', exact: true }).waitFor({ timeout: 30_000 })).resolves.toBeUndefined()
      await page.locator('.backtest-panel').screenshot({ path: `test-results/backtest-${c.view.toLowerCase()}-resume.png` })
      await row.getByRole('button', { name: 'Resume' }).click()
      await waitOk(c.done, c.ended, 170_000)
      await row.getByRole('cell', { name: 'done', exact: true }).waitFor({ timeout: 30_000 })
      expect(await row.getByRole('button', { name: 'Resume' }).count()).toBe(0)
    }
    // The sweep's points finished before the cancel kept their metrics.
    const after = GetSweepResult.parse((await serve.call('getSweep', { id: sweepId.sweepId })).body)
    expect(after.sweep).toMatchObject({ done: 100, total: 100 })
    for (const p of kept.points.filter((x) => x.metrics)) expect(after.points[p.index]).toEqual(p)
  }, 400_000)
})

async function waitOk(call: () => Promise<{ status: number; body: unknown }>, until: (body: unknown) => boolean, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const res = await call()
    if (res.status === 200 && until(res.body)) return res
    if (Date.now() > deadline) throw new Error(`timed out; last answer ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}
