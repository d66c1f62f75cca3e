import type { EventName, EventOf, KeelClient, MethodName, ParamsOf, ResultOf } from '../../../shared/api'
import { EventHub } from './event-hub'
import { errorFrom, resultFrom, type ConnectionState } from './remote-call'

/**
 * The browser's KeelClient: `POST /api/<method>` with the bearer token, and one WebSocket for
 * events that reconnects with backoff (the host may restart; Keel does not fall over).
 */
export class HttpClient implements KeelClient {
  private readonly hub = new EventHub()
  private socket: WebSocket | undefined
  private retryMs = 250
  private readonly stateListeners = new Set<(state: ConnectionState) => void>()
  state: ConnectionState = 'connecting'

  constructor(
    private readonly origin: string,
    private readonly token: string
  ) {
    this.connect()
  }

  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    const res = await fetch(`${this.origin}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.token}` },
      body: JSON.stringify(params ?? {})
    })
    const body: unknown = await res.json().catch(() => undefined)
    if (!res.ok) throw errorFrom(body, `${method} failed with HTTP ${res.status}`)
    return resultFrom(method, body)
  }

  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
    return this.hub.on(event, listener)
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener)
    listener(this.state)
    return () => this.stateListeners.delete(listener)
  }

  private connect(): void {
    const wsUrl = `${this.origin.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(this.token)}`
    const socket = new WebSocket(wsUrl)
    this.socket = socket
    socket.onopen = () => {
      this.retryMs = 250
      this.setState('open')
    }
    socket.onmessage = (message) => {
      try {
        this.hub.dispatchFrames(JSON.parse(String(message.data)))
      } catch {
        // a malformed frame is ignored; the next one carries the latest state
      }
    }
    socket.onclose = () => {
      if (this.socket !== socket) return
      this.setState('reconnecting')
      setTimeout(() => this.connect(), this.retryMs)
      this.retryMs = Math.min(5_000, this.retryMs * 2)
    }
  }

  private setState(state: ConnectionState): void {
    this.state = state
    for (const listener of this.stateListeners) listener(state)
  }
}
