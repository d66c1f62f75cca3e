import { create } from 'zustand'
import type { KeelClient } from '../../../shared/api'
import type { ConnectionState } from '../client'
import { SILENCE_MS } from '../client/http-client'

interface StatefulClient extends KeelClient {
  onState(listener: (state: ConnectionState) => void): () => void
}
const hasState = (client: KeelClient): client is StatefulClient => typeof (client as Partial<StatefulClient>).onState === 'function'

interface ConnectionStore {
  state: ConnectionState
  /** When the host was last lost (ms); null while connected or before the first connection. */
  downSince: number | null
  /** Data on screen came from a host we no longer hear: it must look stale. */
  stale: boolean
  set(state: ConnectionState, at?: number): void
}

export const useConnectionStore = create<ConnectionStore>((set) => ({
  state: 'open',
  downSince: null,
  stale: false,
  set: (state, at = Date.now()) =>
    set((s) => {
      // 'silent' means the host stopped talking SILENCE_MS ago: date the outage from then.
      if (state === 'silent') return { state, downSince: s.downSince ?? at - SILENCE_MS, stale: true }
      if (state === 'open') return { state, downSince: null, stale: false }
      if (state === 'connecting') return { state }
      // Refused access replaces the workspace: nothing stale is left on screen to mark.
      if (state === 'unauthorized') return { state, stale: false }
      return { state, downSince: s.downSince ?? at, stale: true }
    })
}))

/** The browser's WebSocket to keel serve; in Electron the IPC bridge is always there. */
export function bindConnection(client: KeelClient): () => void {
  if (!hasState(client)) return () => undefined
  return client.onState((state) => useConnectionStore.getState().set(state))
}

/** Trading actions need a live host: an order sent into a dead connection would only fail later. */
export const useCanTrade = (): boolean => useConnectionStore((s) => s.state === 'open')
