/**
 * The wire between a worker and its host, whichever host started it: Electron's
 * utilityProcess gives the child `process.parentPort`; child_process.fork gives
 * `process.send`. Workers code against this interface only.
 */
export interface ParentChannel {
  readonly kind: 'utility' | 'fork'
  send(message: unknown): void
  onMessage(listener: (message: unknown) => void): void
  /** Called once when the host is gone (IPC closed); the worker must exit, never linger. */
  onParentGone(listener: () => void): void
}

interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void
  postMessage(message: unknown): void
}

export function connectToParent(): ParentChannel {
  const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort
  if (parentPort) return utilityChannel(parentPort)
  if (typeof process.send === 'function') return forkChannel()
  throw new Error('Keel worker started without a host: run it through the supervisor (keel serve or the app)')
}

function utilityChannel(port: ParentPortLike): ParentChannel {
  return {
    kind: 'utility',
    send: (message) => port.postMessage(message),
    onMessage: (listener) => port.on('message', (event) => listener(event.data)),
    // A utility process is torn down with its browser process; the ppid watch in
    // parent-watch.ts covers the rest.
    onParentGone: () => {}
  }
}

function forkChannel(): ParentChannel {
  return {
    kind: 'fork',
    send: (message) => {
      // After the host dies the channel is closed; sending would throw ERR_IPC_CHANNEL_CLOSED.
      if (process.connected) process.send?.(message)
    },
    onMessage: (listener) => process.on('message', listener),
    onParentGone: (listener) => process.once('disconnect', listener)
  }
}
