import { useEffect, useMemo, useRef, useState, type FormEvent, type JSX } from 'react'
import { fundingFeeRate } from '../../../../shared/market-rules'
import type { OrderType, TimeInForce } from '../../../../shared/trading'
import { placeOrder } from '../../actions/orders'
import { useClient } from '../../client-context'
import { decimalsOf, formatFixed } from '../../lib/format'
import { referencePrice, useMarketStore } from '../../stores/market'
import { usePrefsStore } from '../../stores/prefs'
import { useTicketStore } from '../../stores/ticket'
import { useTradingStore } from '../../stores/trading'
import { buildOrder, TYPE_FIELDS, type TicketContext, type TicketResult } from '../../ticket/validation'
import { ConfirmDialog } from '../layout/ConfirmDialog'
import { Panel } from '../layout/Panel'
import { Choice, Field } from './Field'
import { PriceFields } from './PriceFields'

const TYPES: { value: OrderType; label: string }[] = [
  { value: 'limit', label: 'Limit' },
  { value: 'market', label: 'Market' },
  { value: 'stop_market', label: 'Stop market' },
  { value: 'stop_limit', label: 'Stop limit' },
  { value: 'take_profit', label: 'Take profit' },
  { value: 'trailing_stop', label: 'Trailing stop' },
  { value: 'bracket', label: 'Bracket (entry + SL + TP)' }
]
const TIFS: { value: TimeInForce; label: string }[] = [
  { value: 'GTC', label: 'GTC — good till cancelled' },
  { value: 'IOC', label: 'IOC — immediate or cancel' },
  { value: 'FOK', label: 'FOK — fill or kill' },
  { value: 'PO', label: 'Post only' }
]
const PERCENTS = [25, 50, 75, 100]

/** Everything the validator needs about the market and the account, for the ticket's symbol. */
function useTicketContext(symbol: string): TicketContext | undefined {
  const market = useMarketStore((s) => s.markets[symbol])
  // A number, not the ticker and book: the ticket re-renders (and re-validates) when the price
  // moves, not on every book frame.
  const refPrice = useMarketStore((s) => referencePrice(s.tickers[symbol], s.books[symbol]))
  const base = useTradingStore((s) => (market ? s.balances[market.base]?.free : undefined)) ?? 0
  const quote = useTradingStore((s) => (market ? s.balances[market.quote]?.free : undefined)) ?? 0
  return useMemo(() => (market ? { market, freeBase: base, freeQuote: quote, refPrice } : undefined), [market, base, quote, refPrice])
}

export function OrderTicket(): JSX.Element {
  const client = useClient()
  const symbol = usePrefsStore((s) => s.symbol)
  const confirmEnabled = usePrefsStore((s) => s.confirmEnabled)
  const confirmAbove = usePrefsStore((s) => s.confirmAbove)
  const form = useTicketStore((s) => s.form)
  const update = useTicketStore((s) => s.update)
  const focusSeq = useTicketStore((s) => s.focusSeq)
  const clearAmounts = useTicketStore((s) => s.clearAmounts)
  const ctx = useTicketContext(symbol)
  const [attempted, setAttempted] = useState(false)
  const [sending, setSending] = useState(false)
  const [serverError, setServerError] = useState<string | null>(null)
  const [confirming, setConfirming] = useState<Extract<TicketResult, { ok: true }> | null>(null)
  const amountRef = useRef<HTMLInputElement>(null)

  useEffect(() => {
    if (focusSeq > 0) amountRef.current?.focus()
  }, [focusSeq])
  // A new symbol means new prices: a price typed for another market is never sent by mistake.
  useEffect(() => {
    update({ price: '', stopPrice: '', stopLoss: '', takeProfit: '', stopLossLimit: '', amount: '' })
    setAttempted(false)
    setServerError(null)
  }, [symbol, update])

  const result = ctx ? buildOrder(form, ctx) : undefined
  const errors = attempted && result && !result.ok ? result.errors : {}
  const fields = TYPE_FIELDS[form.type]
  const market = ctx?.market
  const base = market?.base ?? ''
  const quote = market?.quote ?? ''

  const send = async (ok: Extract<TicketResult, { ok: true }>) => {
    setConfirming(null)
    setSending(true)
    const error = await placeOrder(client, ok.order)
    setSending(false)
    setServerError(error)
    if (!error) {
      clearAmounts()
      setAttempted(false)
    }
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setAttempted(true)
    setServerError(null)
    if (!result?.ok) return
    if (confirmEnabled && result.notional >= confirmAbove) setConfirming(result)
    else void send(result)
  }
  const set = (patch: Parameters<typeof update>[0]) => {
    setServerError(null)
    update(patch)
  }

  return (
    <Panel title="Order ticket" className="ticket" actions={<span className="dim">{symbol}</span>}>
      <form onSubmit={submit} aria-label="Order ticket" noValidate>
        <div role="group" aria-label="Side" className="side-toggle">
          <button type="button" className={`buy ${form.side === 'buy' ? 'on' : ''}`} aria-pressed={form.side === 'buy'} onClick={() => set({ side: 'buy' })}>
            Buy
          </button>
          <button type="button" className={`sell ${form.side === 'sell' ? 'on' : ''}`} aria-pressed={form.side === 'sell'} onClick={() => set({ side: 'sell' })}>
            Sell
          </button>
        </div>
        <Choice label="Order type" value={form.type} options={TYPES} onChange={(type) => set({ type })} />
        <PriceFields form={form} set={set} errors={errors} quote={quote} refPrice={ctx?.refPrice} priceTick={market?.precision.price ?? 0.01} />
        {fields.tif && (fields.price === 'required' || form.price.trim() !== '') ? (
          <Choice label="Time in force" value={form.timeInForce} options={TIFS} onChange={(timeInForce) => set({ timeInForce })} />
        ) : null}
        <div role="group" aria-label="Size by" className="segmented small">
          <button type="button" aria-pressed={form.amountMode === 'quantity'} onClick={() => set({ amountMode: 'quantity' })}>
            Quantity
          </button>
          <button type="button" aria-pressed={form.amountMode === 'percent'} onClick={() => set({ amountMode: 'percent' })}>
            % of balance
          </button>
        </div>
        {form.amountMode === 'quantity' ? (
          <Field label="Amount" unit={base} value={form.amount} onChange={(amount) => set({ amount })} error={errors.amount} inputRef={amountRef} placeholder={market ? `step ${market.precision.amount}` : ''} />
        ) : (
          <Field
            label="Percent of balance"
            unit="%"
            value={form.percent}
            onChange={(percent) => set({ percent })}
            error={errors.amount}
            inputRef={amountRef}
            extra={
              <span className="chips">
                {PERCENTS.map((p) => (
                  <button key={p} type="button" aria-label={`${p} percent of balance`} onClick={() => set({ percent: String(p) })}>
                    {p}
                  </button>
                ))}
              </span>
            }
          />
        )}
        <TicketSummary result={result} ctx={ctx} side={form.side} />
        {errors.form ? (
          <p role="alert" className="field-error">
            {errors.form}
          </p>
        ) : null}
        {serverError ? (
          <p role="alert" className="ticket-error">
            {serverError}
          </p>
        ) : null}
        <button type="submit" className={`submit ${form.side}`} disabled={sending || !ctx} aria-label={`Place ${form.side} order`}>
          {sending ? 'Sending…' : `${form.side === 'buy' ? 'Buy' : 'Sell'} ${base}`}
        </button>
        <p className="hint">
          <kbd>B</kbd> buy · <kbd>S</kbd> sell · <kbd>⇧X</kbd> cancel all · click book = price
        </p>
      </form>
      <ConfirmSettings />
      {confirming && market ? (
        <ConfirmDialog title="Confirm large order" confirmLabel={`${form.side === 'buy' ? 'Buy' : 'Sell'} ${confirming.amount} ${base}`} onConfirm={() => void send(confirming)} onCancel={() => setConfirming(null)}>
          <p>
            {form.side.toUpperCase()} {confirming.amount} {market.symbol} ({TYPES.find((t) => t.value === form.type)?.label}) worth about{' '}
            <strong>
              {formatFixed(confirming.notional, 2)} {quote}
            </strong>
            , above your confirmation threshold of {formatFixed(confirmAbove, 0)} {quote}.
          </p>
        </ConfirmDialog>
      ) : null}
    </Panel>
  )
}

function TicketSummary({ result, ctx, side }: { result: TicketResult | undefined; ctx: TicketContext | undefined; side: 'buy' | 'sell' }): JSX.Element | null {
  if (!ctx) return <p className="dim">Waiting for market data…</p>
  const { market } = ctx
  const fee = fundingFeeRate(market.maker, market.taker)
  const amountDecimals = decimalsOf(market.precision.amount)
  return (
    <dl className="ticket-summary">
      <dt>Available</dt>
      <dd className="num">{side === 'buy' ? `${formatFixed(ctx.freeQuote, 2)} ${market.quote}` : `${formatFixed(ctx.freeBase, amountDecimals)} ${market.base}`}</dd>
      <dt>Size</dt>
      <dd className="num">{result?.ok ? `${result.order.cost !== undefined ? '≈ ' : ''}${formatFixed(result.amount, amountDecimals)} ${market.base}` : '—'}</dd>
      {result?.ok && Object.keys(result.adjusted).length > 0 ? (
        <>
          <dt>On the grid</dt>
          <dd className="num" aria-label="Rounded to the market's ticks and steps">
            {Object.entries(result.adjusted)
              .map(([field, a]) => `${field} ${a.typed} → ${a.sent}`)
              .join(', ')}
          </dd>
        </>
      ) : null}
      <dt>Value ≈</dt>
      <dd className="num">{result?.ok ? `${formatFixed(result.notional, 2)} ${market.quote}` : '—'}</dd>
      <dt>Fee ≈</dt>
      <dd className="num">{result?.ok ? `${formatFixed(result.notional * fee, 4)} ${market.quote}` : `${(fee * 100).toFixed(2)} %`}</dd>
    </dl>
  )
}

/** The size above which orders need a confirmation (persisted preference). */
function ConfirmSettings(): JSX.Element {
  const enabled = usePrefsStore((s) => s.confirmEnabled)
  const above = usePrefsStore((s) => s.confirmAbove)
  const setConfirm = usePrefsStore((s) => s.setConfirm)
  return (
    <div className="confirm-settings">
      <label>
        <input type="checkbox" checked={enabled} onChange={(e) => setConfirm(e.target.checked, above)} /> Confirm orders above
      </label>
      <input
        aria-label="Confirmation threshold"
        inputMode="numeric"
        value={String(above)}
        disabled={!enabled}
        onChange={(e) => {
          const value = Number(e.target.value)
          if (Number.isFinite(value)) setConfirm(enabled, value)
        }}
      />
    </div>
  )
}
