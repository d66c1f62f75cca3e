import { ipcMain, type BrowserWindow, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron'
import { KeelError } from '../../shared/errors'
import type { EventBus } from '../bus'
import { ClientFanout } from '../client-fanout'
import { FrameCredit } from '../frame-credit'
import type { Router } from '../router'
import { IPC_ACK, IPC_CALL, IPC_EVENT } from '../../shared/ipc-channels'
import { isTrustedSender } from './security-policy'

/**
 * The Electron bridge: ipcMain.handle over the same router as the HTTP bridge. Answers carry
 * `{ok, result}` or `{ok:false, error}` so the renderer gets the same error bodies either way.
 */
export function registerIpcBridge(router: Router, bus: EventBus, window: () => BrowserWindow | undefined, appUrl: () => string): () => void {
  ipcMain.handle(IPC_CALL, async (event: IpcMainInvokeEvent, method: unknown, params: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame, appUrl())) {
      return { ok: false, error: { code: 'unauthorized', message: 'IPC from an untrusted frame' } }
    }
    try {
      if (typeof method !== 'string') throw new KeelError('bad_request', 'method must be a string')
      return { ok: true, result: await router.call(method, params) }
    } catch (err) {
      return { ok: false, error: KeelError.from(err).toBody() }
    }
  })
  // The renderer acks each frame (see the preload); until it does, events wait in the fan-out.
  const credit = new FrameCredit()
  const liveContents = () => {
    const win = window()
    return win && !win.isDestroyed() ? win.webContents : undefined
  }
  const fanout = new ClientFanout({
    isReady: () => {
      const contents = liveContents()
      return !contents || credit.ready(contents.id)
    },
    deliver: (frames) => {
      const contents = liveContents()
      if (!contents) return
      contents.send(IPC_EVENT, frames)
      credit.sent(contents.id)
    }
  })
  const onAck = (event: IpcMainEvent): void => {
    if (isTrustedSender(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame, appUrl())) credit.acked(event.sender.id)
  }
  ipcMain.on(IPC_ACK, onAck)
  const unsubscribe = bus.subscribe((name, payload) => fanout.offer(name, payload))
  return () => {
    fanout.close()
    unsubscribe()
    ipcMain.removeListener(IPC_ACK, onAck)
    ipcMain.removeHandler(IPC_CALL)
  }
}
