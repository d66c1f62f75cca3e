import type { EventName, EventOf } from '../../shared/api'

export interface OsNotification {
  title: string
  body: string
}

/**
 * Which events deserve an OS notification (the trader may be in another app): fills, a stale
 * feed, a worker crash or failure. Pure, so it is unit-tested without Electron; `failedBefore`
 * remembers which workers were already reported failed, so a failure is announced once.
 */
export function notificationFor<E extends EventName>(event: E, payload: EventOf<E>, failedBefore: Set<string>): OsNotification | undefined {
  switch (event) {
    case 'fillCreated': {
      const { fill } = payload as EventOf<'fillCreated'>
      const verb = fill.side === 'buy' ? 'Bought' : 'Sold'
      return { title: `Keel: ${fill.symbol} filled`, body: `${verb} ${fill.amount} at ${fill.price} (${fill.liquidity}, fee ${fill.fee} ${fill.feeAsset})` }
    }
    case 'feedStatus': {
      const status = payload as EventOf<'feedStatus'>
      if (status.status !== 'stale') return undefined
      return { title: `Keel: ${status.symbol ?? status.exchange} data is stale`, body: `${status.reason ?? 'No fresh market data'}. New orders on it are refused until data returns.` }
    }
    case 'workerCrashed': {
      const crash = payload as EventOf<'workerCrashed'>
      return { title: 'Keel', body: `The ${crash.worker} worker stopped (${crash.kind}); restarting it.` }
    }
    case 'health': {
      const failed = (payload as EventOf<'health'>).workers.filter((w) => w.state === 'failed').map((w) => w.name)
      const fresh = failed.filter((name) => !failedBefore.has(name))
      failedBefore.clear()
      failed.forEach((name) => failedBefore.add(name))
      if (!fresh.length) return undefined
      return { title: 'Keel: a worker has failed', body: `${fresh.join(', ')} restarted too often and is stopped; open Keel to retry.` }
    }
    case 'updateStatus': {
      const update = payload as EventOf<'updateStatus'>
      if (update.state === 'ready') return { title: `Keel ${update.version} is ready`, body: 'Restart Keel to update (tray → Restart to Update), or it installs when you quit.' }
      return undefined
    }
    default:
      return undefined
  }
}

export type NotificationKind = 'fills' | 'staleFeed' | 'workerCrash' | 'workerFailed' | 'updates'

/** Which setting (Settings → notifications) turns an event's OS notification on or off. */
export function notificationKind(event: EventName): NotificationKind | undefined {
  const kinds: Partial<Record<EventName, NotificationKind>> = { fillCreated: 'fills', feedStatus: 'staleFeed', workerCrashed: 'workerCrash', health: 'workerFailed', updateStatus: 'updates' }
  return kinds[event]
}
