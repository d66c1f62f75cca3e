import { describe, expect, it } from 'vitest'
import { Harness } from './fixtures'

/**
 * A sell that executes against the book without a placement check of its own (a bracket's
 * take-profit armed across the book, a stop that fires) may find its coins committed
 * elsewhere, e.g. to the trader's own resting sell. It sells only what is free: nothing here,
 * so it is cancelled for the balance. It must not drive the free balance negative: the ledger
 * guard would then roll back the whole input, so the trader could never cancel the entry and,
 * in a backtest, the run would abort.
 */
describe('a sell that executes at once sells only the free coins', () => {
  function partlyFilledBracketWithCoinsSold() {
    const h = new Harness()
    const entry = h.place({ side: 'buy', type: 'bracket', amount: 1, price: 100, bracket: { stopLoss: 95, takeProfit: 110 } })
    h.trade(99, 0.3) // the entry fills 0.3; its legs wait for it to close
    const own = h.place({ side: 'sell', type: 'limit', amount: 0.3, price: 130 }) // the trader commits those coins
    h.book([[115, 5]], [[116, 5]]) // bids above the take-profit: arming it takes the book at once
    return { h, entry, own }
  }

  it('cancelling the entry arms a take-profit that finds no free coins: it is cancelled, the cancel goes through', () => {
    const { h, entry, own } = partlyFilledBracketWithCoinsSold()
    const result = h.send({ kind: 'cancelOrder', at: ++h.at, params: { orderId: entry.id } })
    expect(result.rollback).toBeUndefined()
    expect(result.reply.ok).toBe(true)
    expect(h.order(entry.id).status).toBe('cancelled')
    const tp = h.order(`o${Number(entry.id.slice(1)) + 2}`)
    expect(tp).toMatchObject({ status: 'cancelled', filled: 0 })
    expect(h.order(own.id)).toMatchObject({ status: 'open', remaining: 0.3 })
    expect(h.balance('BTC')).toEqual({ free: 0, locked: 0.3 })
  })

})
