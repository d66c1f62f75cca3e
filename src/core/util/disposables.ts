/**
 * Keel's one disposal convention for listeners, timers and handles (main and workers): whoever
 * subscribes keeps what the subscription returns and registers it, VS Code `_register` style,
 * in the owner's Disposables; the owner's `dispose()` undoes everything, newest first, once.
 */
export type Dispose = () => void

export class Disposables {
  private readonly items: Dispose[] = []
  private disposed = false

  /** Keeps `dispose` to run on `dispose()`; after that, runs it at once. Returns it for chaining. */
  add<D extends Dispose>(dispose: D): D {
    if (this.disposed) dispose()
    else this.items.push(dispose)
    return dispose
  }

  /**
   * Subscribes `listener` to a Node-style emitter (Electron's app, powerMonitor, a process) and
   * registers its removal. Listeners that need a typed event object subscribe themselves and
   * `add` the removal.
   */
  listen(emitter: Pick<NodeJS.EventEmitter, 'on' | 'removeListener'>, event: string, listener: () => void): void {
    emitter.on(event, listener)
    this.add(() => void emitter.removeListener(event, listener))
  }

  /** A timer registered for clearing. */
  interval(fn: () => void, ms: number): void {
    const timer = setInterval(fn, ms)
    this.add(() => clearInterval(timer))
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    for (const item of this.items.splice(0).reverse()) item()
  }
}
