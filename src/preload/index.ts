import { contextBridge, ipcRenderer } from 'electron'
import { IPC_ACK, IPC_CALL, IPC_EVENT, type PreloadBridge } from '../shared/ipc-channels'

// Sandboxed preload (CommonJS): exposes exactly two functions. The renderer wraps them in a
// typed KeelClient (src/renderer/src/client); no Electron object ever reaches page code.
const bridge: PreloadBridge = {
  call: (method, params) => ipcRenderer.invoke(IPC_CALL, method, params),
  subscribe: (listener) => {
    const wrapped = (_e: unknown, frames: unknown): void => listener(frames)
    ipcRenderer.on(IPC_EVENT, wrapped)
    return () => ipcRenderer.removeListener(IPC_EVENT, wrapped)
  }
}
// Each frame is acknowledged once this page has run its listeners: a page that stops reading
// stops the main process from sending more (flow control, not delivery confirmation).
ipcRenderer.on(IPC_EVENT, () => queueMicrotask(() => ipcRenderer.send(IPC_ACK)))
contextBridge.exposeInMainWorld('keelBridge', bridge)
