import { create } from 'zustand'
import type { Side } from '../../../shared/market-data'
import { EMPTY_FORM, type TicketForm } from '../ticket/validation'

interface TicketState {
  form: TicketForm
  /** Bumped to ask the ticket to focus its amount input (keyboard shortcuts). */
  focusSeq: number
  update(patch: Partial<TicketForm>): void
  /** B / S shortcuts: pick the side and put the cursor in the amount. */
  startOrder(side: Side): void
  /** A click in the book: use that level's price (a market ticket becomes a limit; a stop-market takes it as trigger). */
  usePrice(price: string): void
  clearAmounts(): void
}

export const useTicketStore = create<TicketState>((set) => ({
  form: EMPTY_FORM,
  focusSeq: 0,
  update: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
  startOrder: (side) => set((s) => ({ form: { ...s.form, side }, focusSeq: s.focusSeq + 1 })),
  usePrice: (price) =>
    set((s) => {
      const type = s.form.type
      if (type === 'stop_market') return { form: { ...s.form, stopPrice: price } }
      if (type === 'trailing_stop') return s // trails the market: no price to set
      return { form: { ...s.form, price, type: type === 'market' ? 'limit' : type } }
    }),
  clearAmounts: () => set((s) => ({ form: { ...s.form, amount: '', percent: '' } }))
}))
