import type { EventName, EventOf, KeelClient, MethodName, ParamsOf, ResultOf } from '../../../shared/api'
import { KeelError } from '../../../shared/errors'
import { EventHub } from './event-hub'
import { errorFrom, resultFrom, type ConnectionState } from './remote-call'

const HTTP_UNAUTHORIZED = 401
/** The host pushes health every second: this long without any frame means it is not answering. */
export const SILENCE_MS = 5_000

/**
 * The browser's KeelClient: `POST /api/<method>` with the bearer token, and one WebSocket for
 * events that reconnects with backoff (the host may restart; Keel does not fall over). A refused
 * token is not a connection problem: the client says 'unauthorized' and stops retrying.
 */
export class HttpClient implements KeelClient {
  private readonly hub = new EventHub()
  private socket: WebSocket | undefined
  private retryMs = 250
  private lastFrameAt = 0
  private silenceTimer: ReturnType<typeof setInterval> | undefined
  private readonly stateListeners = new Set<(state: ConnectionState) => void>()
  state: ConnectionState = 'connecting'

  constructor(
    private readonly origin: string,
    private readonly token: string
  ) {
    if (token === '') this.setState('unauthorized')
    else this.connect()
  }

  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    if (this.state === 'unauthorized') throw new KeelError('unauthorized', 'the access token is missing or wrong')
    const res = await fetch(`${this.origin}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.token}` },
      body: JSON.stringify(params ?? {})
    })
    const body: unknown = await res.json().catch(() => undefined)
    if (res.status === HTTP_UNAUTHORIZED) this.refused()
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
      this.lastFrameAt = Date.now()
      this.setState('open')
      this.watchSilence()
    }
    socket.onmessage = (message) => {
      this.lastFrameAt = Date.now()
      if (this.state === 'silent') this.setState('open')
      try {
        this.hub.dispatchFrames(JSON.parse(String(message.data)))
      } catch {
        // a malformed frame is ignored; the next one carries the latest state
      }
    }
    socket.onclose = () => {
      if (this.socket !== socket || this.state === 'unauthorized') return
      this.setState('reconnecting')
      // A browser cannot read why an upgrade failed: ask over HTTP whether the token is the cause.
      void this.tokenRefused().then((refused) => {
        if (refused) this.refused()
        else setTimeout(() => this.connect(), this.retryMs)
        this.retryMs = Math.min(5_000, this.retryMs * 2)
      })
    }
  }

  private watchSilence(): void {
    clearInterval(this.silenceTimer)
    this.silenceTimer = setInterval(() => {
      if (this.state === 'open' && Date.now() - this.lastFrameAt > SILENCE_MS) this.setState('silent')
      else if (this.state !== 'open' && this.state !== 'silent') clearInterval(this.silenceTimer)
    }, 1_000)
  }

  private async tokenRefused(): Promise<boolean> {
    try {
      const res = await fetch(`${this.origin}/api/health`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.token}` }, body: '{}' })
      return res.status === HTTP_UNAUTHORIZED
    } catch {
      return false // the host is down: a connection problem, keep retrying
    }
  }

  private refused(): void {
    if (this.state === 'unauthorized') return
    this.setState('unauthorized')
    const socket = this.socket
    this.socket = undefined
    socket?.close()
  }

  private setState(state: ConnectionState): void {
    this.state = state
    for (const listener of this.stateListeners) listener(state)
  }
}
