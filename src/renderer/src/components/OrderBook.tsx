import { memo, type JSX } from 'react'
import { formatFixed, formatPrice } from '../lib/format'
import { marketFormat } from '../lib/numbers'
import { useMarketStore } from '../stores/market'
import { usePrefsStore } from '../stores/prefs'
import { useTicketStore } from '../stores/ticket'
import { useFitRows } from '../lib/use-fit-rows'
import { Panel } from './layout/Panel'

/** [price, amount], as the API sends book levels. */
type Level = readonly [number, number]
/** Row height and the head + spread rows, in px (match styles.css). */
const ROW_PX = 18
const CHROME_PX = 22 + 27

interface Row {
  price: number
  amount: number
  total: number
}

/** Levels with running totals from the touch outward; depth bars are drawn against the larger side. */
export function withTotals(levels: readonly Level[], count: number): Row[] {
  const rows: Row[] = []
  let total = 0
  for (const [price, amount] of levels.slice(0, count)) {
    total += amount
    rows.push({ price, amount, total })
  }
  return rows
}

// Plain numbers as props (not the Row object, new every frame): memo skips levels that did not change.
const BookRow = memo(function BookRow({ price, amount, total, side, maxTotal, priceTick, amountDecimals }: Row & { side: 'bid' | 'ask'; maxTotal: number; priceTick: number; amountDecimals: number }): JSX.Element {
  const usePrice = useTicketStore((s) => s.usePrice)
  const text = formatPrice(price, priceTick)
  const depth = `${((total / maxTotal) * 100).toFixed(1)}%`
  return (
    <tr className={`book-row ${side}`} style={{ ['--depth' as string]: depth }} onClick={() => usePrice(String(price))}>
      <td className="num price">
        <button type="button" className="link" aria-label={`Use ${side} price ${text}`}>
          {text}
        </button>
      </td>
      <td className="num">{formatFixed(amount, amountDecimals)}</td>
      <td className="num dim">{formatFixed(total, amountDecimals)}</td>
    </tr>
  )
})

export function OrderBook(): JSX.Element {
  const symbol = usePrefsStore((s) => s.symbol)
  const book = useMarketStore((s) => s.books[symbol])
  const market = useMarketStore((s) => s.markets[symbol])
  const priceTick = market?.precision.price ?? 0.01
  const amountDecimals = marketFormat(market).amountDecimals
  const [bodyRef, rows] = useFitRows<HTMLDivElement>(ROW_PX, CHROME_PX, 20)
  const levels = Math.max(1, Math.floor(rows / 2))
  const asks = withTotals(book?.asks ?? [], levels)
  const bids = withTotals(book?.bids ?? [], levels)
  const maxTotal = Math.max(asks[asks.length - 1]?.total ?? 0, bids[bids.length - 1]?.total ?? 0, Number.MIN_VALUE)
  const bestBid = bids[0]?.price
  const bestAsk = asks[0]?.price
  const spread = bestBid !== undefined && bestAsk !== undefined ? bestAsk - bestBid : undefined
  return (
    <Panel title="Order book" className="order-book" actions={<span className="dim">{symbol}</span>}>
      <div className="fit" ref={bodyRef}>
      <table className="grid book" aria-label={`Order book ${symbol}`}>
        <thead>
          <tr>
            <th scope="col" className="num">Price</th>
            <th scope="col" className="num">Amount</th>
            <th scope="col" className="num">Total</th>
          </tr>
        </thead>
        <tbody aria-label="Asks">
          {[...asks].reverse().map((row) => (
            <BookRow key={row.price} {...row} side="ask" maxTotal={maxTotal} priceTick={priceTick} amountDecimals={amountDecimals} />
          ))}
        </tbody>
        <tbody>
          <tr className="spread" aria-label="Spread">
            <td className="num">{spread === undefined ? '—' : formatPrice(spread, priceTick)}</td>
            <td colSpan={2} className="dim">
              spread {spread !== undefined && bestBid ? `${((spread / bestBid) * 10_000).toFixed(1)} bps` : ''}
            </td>
          </tr>
        </tbody>
        <tbody aria-label="Bids">
          {bids.map((row) => (
            <BookRow key={row.price} {...row} side="bid" maxTotal={maxTotal} priceTick={priceTick} amountDecimals={amountDecimals} />
          ))}
        </tbody>
      </table>
      </div>
      {!book ? <p className="dim pad">Waiting for the book…</p> : null}
    </Panel>
  )
}
