import type { ClosedTrade, OpenTrade } from '../../shared/backtest'
import type { Fill } from '../../shared/trading'
import { tidy, tidySum } from '../exchange/numeric'

/**
 * Fills → round-trip trades of a long-only spot account: a trade opens with the first buy from
 * flat and closes when sells bring the position back to zero. Every fee of the trip (entry and
 * exit, partial fills included) is charged to it.
 */

interface Trip {
  entryTime: number
  bought: number
  buyCost: number
  buyFees: number
  sold: number
  sellProceeds: number
  fees: number
  lastTime: number
}

export class RoundTrips {
  readonly closed: ClosedTrade[] = []
  private trip: Trip | undefined

  /** @param amountStep below one step a position is dust that cannot be sold: the trip is closed. */
  constructor(private readonly amountStep: number) {}

  add(fill: Fill): void {
    if (fill.side === 'buy') {
      const trip = (this.trip ??= {
        entryTime: fill.timestamp,
        bought: 0,
        buyCost: 0,
        buyFees: 0,
        sold: 0,
        sellProceeds: 0,
        fees: 0,
        lastTime: fill.timestamp
      })
      trip.bought = tidy(trip.bought + fill.amount)
      trip.buyCost = tidy(trip.buyCost + fill.cost)
      trip.buyFees = tidy(trip.buyFees + fill.fee)
      trip.fees = tidy(trip.fees + fill.fee)
      return
    }
    const trip = this.trip
    if (!trip) return // a sell with nothing bought here: the account starts with cash only
    trip.sold = tidy(trip.sold + fill.amount)
    trip.sellProceeds = tidy(trip.sellProceeds + fill.cost)
    trip.fees = tidy(trip.fees + fill.fee)
    trip.lastTime = fill.timestamp
    if (tidySum(trip.bought, -trip.sold) < this.amountStep * 0.999) {
      const pnl = tidy(trip.sellProceeds - trip.buyCost - trip.fees)
      this.closed.push({
        entryTime: trip.entryTime,
        exitTime: trip.lastTime,
        entryPrice: tidy(trip.buyCost / trip.bought),
        exitPrice: tidy(trip.sellProceeds / trip.sold),
        size: trip.bought,
        pnl,
        returnPct: tidy((pnl / (trip.buyCost + trip.buyFees)) * 100),
        fees: trip.fees
      })
      this.trip = undefined
    }
  }

  /** The trip still open, marked at `markPrice` (no exit fee charged). */
  open(markPrice: number): OpenTrade[] {
    const trip = this.trip
    if (!trip || tidySum(trip.bought, -trip.sold) < this.amountStep * 0.999) return []
    const held = tidySum(trip.bought, -trip.sold)
    const unrealizedPnl = tidy(trip.sellProceeds + held * markPrice - trip.buyCost - trip.fees)
    return [
      {
        entryTime: trip.entryTime,
        entryPrice: tidy(trip.buyCost / trip.bought),
        size: held,
        markPrice,
        unrealizedPnl,
        returnPct: tidy((unrealizedPnl / (trip.buyCost + trip.buyFees)) * 100),
        fees: trip.fees
      }
    ]
  }
}
