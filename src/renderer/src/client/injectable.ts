import type { EventName, EventOf, KeelClient, MethodName, ParamsOf, ResultOf } from '../../../shared/api'
import type { ConnectionState } from './remote-call'
import { EventHub } from './event-hub'

interface MaybeStateful {
  onState?(listener: (state: ConnectionState) => void): () => void
}

/**
 * A client whose event stream can also be fed from inside the page: the UI bench pushes
 * synthetic WebSocket frames through the same parse-validate-dispatch path real frames take,
 * at rates the demo market does not produce. Only installed with `?bench=1`.
 */
class InjectableClient implements KeelClient {
  private readonly hub = new EventHub()

  constructor(private readonly inner: KeelClient & MaybeStateful) {}

  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    return this.inner.call(method, params)
  }

  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
    const offInner = this.inner.on(event, listener)
    const offLocal = this.hub.on(event, listener)
    return () => {
      offInner()
      offLocal()
    }
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    if (this.inner.onState) return this.inner.onState(listener)
    listener('open')
    return () => undefined
  }

  /** One WebSocket frame's text: `{"event": name, "payload": …}`. */
  injectFrame(text: string): void {
    const frame = JSON.parse(text) as { event?: unknown; payload?: unknown }
    if (typeof frame.event === 'string') this.hub.dispatch(frame.event, frame.payload)
  }
}

declare global {
  interface Window {
    /** Present only in bench mode (?bench=1): feeds frames as if they came over the WebSocket. */
    keelInjectFrames?: (frames: string[]) => void
  }
}

export function installBenchInjection(client: KeelClient): KeelClient {
  const injectable = new InjectableClient(client)
  window.keelInjectFrames = (frames) => {
    for (const frame of frames) injectable.injectFrame(frame)
  }
  return injectable
}
