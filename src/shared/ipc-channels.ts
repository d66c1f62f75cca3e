/** Electron IPC channel names, shared by the preload and the main-process bridge. */
export const IPC_CALL = 'keel:call'
export const IPC_EVENT = 'keel:event'
/** The renderer's "frame read": the main process sends the next event frame only after it. */
export const IPC_ACK = 'keel:ack'

/** What the preload exposes on `window.keelBridge` (answers use the API's error bodies). */
export interface PreloadBridge {
  call(method: string, params: unknown): Promise<unknown>
  /** Events arrive per frame: a list of {event, payload}. */
  subscribe(listener: (frames: unknown) => void): () => void
}
