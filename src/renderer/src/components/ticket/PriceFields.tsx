import type { JSX } from 'react'
import { formatFixed, decimalsOf } from '../../lib/format'
import { TYPE_FIELDS, type TicketField, type TicketForm, type TrailingMode } from '../../ticket/validation'
import { Choice, Field } from './Field'

const TRAILING: { value: TrailingMode; label: string }[] = [
  { value: 'percent', label: 'Percent' },
  { value: 'amount', label: 'Price distance' }
]

/** The price inputs the chosen order type needs: limit, trigger, trailing distance, bracket legs. */
export function PriceFields({ form, set, errors, quote, refPrice, priceTick }: { form: TicketForm; set(patch: Partial<TicketForm>): void; errors: Partial<Record<TicketField, string>>; quote: string; refPrice: number | undefined; priceTick: number }): JSX.Element {
  const fields = TYPE_FIELDS[form.type]
  const midPrice = () => (refPrice === undefined ? undefined : formatFixed(refPrice, decimalsOf(priceTick)).replace(/,/g, ''))
  const midButton = (apply: (price: string) => void, what: string) => (
    <button
      type="button"
      className="chip"
      aria-label={`Use mid price for ${what}`}
      onClick={() => {
        const price = midPrice()
        if (price) apply(price)
      }}
    >
      Mid
    </button>
  )
  const priceLabel = form.type === 'bracket' ? 'Entry limit price (empty = market)' : fields.price === 'optional' ? 'Limit price (optional)' : 'Limit price'
  return (
    <>
      {fields.stop ? (
        <Field label="Trigger price" unit={quote} value={form.stopPrice} onChange={(stopPrice) => set({ stopPrice })} error={errors.stopPrice} extra={midButton((stopPrice) => set({ stopPrice }), 'trigger')} />
      ) : null}
      {fields.price !== 'none' ? (
        <Field label={priceLabel} unit={quote} value={form.price} onChange={(price) => set({ price })} error={errors.price} extra={midButton((price) => set({ price }), 'limit')} />
      ) : null}
      {fields.trailing ? (
        <>
          <div className="pair">
            <Choice label="Trail by" value={form.trailingMode} options={TRAILING} onChange={(trailingMode) => set({ trailingMode })} />
            <Field label="Trailing distance" unit={form.trailingMode === 'percent' ? '%' : quote} value={form.trailing} onChange={(trailing) => set({ trailing })} error={errors.trailing} />
          </div>
        </>
      ) : null}
      {fields.bracket ? (
        <>
          <div className="pair">
            <Field label="Stop-loss" unit={quote} value={form.stopLoss} onChange={(stopLoss) => set({ stopLoss })} error={errors.stopLoss} />
            <Field label="Take-profit" unit={quote} value={form.takeProfit} onChange={(takeProfit) => set({ takeProfit })} error={errors.takeProfit} />
          </div>
          <Field label="Stop-loss limit (optional)" unit={quote} value={form.stopLossLimit} onChange={(stopLossLimit) => set({ stopLossLimit })} error={errors.stopLossLimit} />
        </>
      ) : null}
    </>
  )
}
