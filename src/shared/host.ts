import { z } from 'zod'

/**
 * Sent to one event client that fell too far behind: its queue of orders, fills and balance
 * changes overflowed and was dropped. The client must refetch that state (listOrders,
 * listFills, balances, positions, accountSummary); events after this one are current again.
 */
export const ResyncEvent = z.object({
  reason: z.enum(['queue_overflow']),
  /** Events this client never got. */
  dropped: z.number().int().nonnegative()
})
export type ResyncEvent = z.infer<typeof ResyncEvent>
