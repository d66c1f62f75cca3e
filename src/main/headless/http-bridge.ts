import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import type { EventName } from '../../shared/api'
import { HTTP_STATUS, KeelError } from '../../shared/errors'
import type { EventBus } from '../bus'
import { ClientFanout } from '../client-fanout'
import type { Logger } from '../logger'
import type { Router } from '../router'
import { SECURITY_HEADERS, isLoopbackHost } from '../web-policy'
import { bearerToken, hostHeaderAllowed, originAllowed, tokenChecker } from './auth'
import { ConnectionGate, connectionLimits, type ConnectionLimits } from './connection-gate'
import { serveStatic } from './static-files'

const MAX_BODY_BYTES = 1 << 20
/**
 * A client this far behind is skipped for a frame; it gets the latest state when it catches up
 * (or a resync if its queue overflows meanwhile). This bounds the host memory a client that
 * stops reading can hold, together with the fan-out's own caps.
 */
const MAX_WS_BUFFERED_BYTES = 1 << 20
/** A connection that has not sent its request headers within this is closed (idle floods). */
const HEADERS_TIMEOUT_MS = 5_000
/** An idle keep-alive connection is closed after this. */
const KEEP_ALIVE_MS = 5_000
/** How long a client may take to send a whole request. */
const REQUEST_TIMEOUT_MS = 30_000

/**
 * How a browser learns why its event stream was refused: it cannot read the HTTP status of a
 * failed WebSocket handshake, so a wrong token is answered by accepting and closing with this
 * code (see docs/api.md). Clients without an Origin get a plain HTTP 401 instead.
 */
export const WS_CLOSE_UNAUTHORIZED = { code: 4401, reason: 'unauthorized: missing or wrong token' } as const

export const UNAUTHORIZED_MESSAGE = 'missing or wrong bearer token (Authorization: Bearer <token>)'

export interface HttpBridgeOptions {
  host: string
  port: number
  token: string
  rendererDir: string
  router: Router
  bus: EventBus
  log: Logger
  /** Socket caps; by default derived from the process's descriptor limit. */
  limits?: ConnectionLimits
  /** Where failures of the server itself (e.g. accept errors) are recorded. */
  onFault?(where: string, err: unknown): void
  /** Extra GET routes behind the same bearer token as /api (e.g. /metrics). */
  routes?: Record<string, (res: ServerResponse) => Promise<void>>
}

/**
 * The headless bridge: `POST /api/<method>` (JSON in, JSON out, bearer token), a WebSocket at
 * `/ws` for events, and the built renderer as static files. A thin adapter over the router.
 */
export class HttpBridge {
  private server: Server | undefined
  private wss: WebSocketServer | undefined
  private unsubscribe: (() => void) | undefined
  private readonly clients = new Map<WebSocket, ClientFanout>()
  private readonly tokenOk: (given: string | null | undefined) => boolean
  readonly gate: ConnectionGate

  constructor(private readonly options: HttpBridgeOptions) {
    this.tokenOk = tokenChecker(options.token)
    this.gate = new ConnectionGate(options.limits ?? connectionLimits())
  }

  get clientCount(): number {
    return this.clients.size
  }

  get loopbackOnly(): boolean {
    return isLoopbackHost(this.options.host)
  }

  async listen(): Promise<{ port: number; url: string }> {
    const server = createServer(
      {
        headersTimeout: HEADERS_TIMEOUT_MS,
        requestTimeout: REQUEST_TIMEOUT_MS,
        keepAliveTimeout: KEEP_ALIVE_MS,
        // Timeouts are enforced by this sweep; its default (30 s) would let idle sockets pile up.
        connectionsCheckingInterval: 1_000
      },
      (req, res) => void this.handle(req, res)
    )
    this.gate.attach(server)
    const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
    server.on('upgrade', (req, socket, head) => {
      socket.on('error', () => socket.destroy())
      const refuse = (status: string, why: string): void => {
        this.options.log.warn(`refused a WebSocket upgrade from ${req.socket.remoteAddress}: ${why}`)
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      }
      const path = new URL(req.url ?? '/', 'http://localhost').pathname
      if (path !== '/ws') return refuse('404 Not Found', `no WebSocket at ${path}`)
      if (!hostHeaderAllowed(req, this.loopbackOnly)) return refuse('403 Forbidden', 'host header not allowed')
      if (!originAllowed(req)) return refuse('403 Forbidden', `foreign origin ${req.headers.origin}`)
      if (this.gate.saturated) return refuse('503 Service Unavailable', 'at the connection limit')
      if (this.tokenOk(bearerToken(req, true))) return wss.handleUpgrade(req, socket, head, (ws) => this.onClient(ws))
      if (req.headers.origin === undefined) return refuse('401 Unauthorized', 'missing or wrong token')
      this.options.log.warn(`refused a WebSocket client from ${req.socket.remoteAddress}: missing or wrong token`)
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.close(WS_CLOSE_UNAUTHORIZED.code, WS_CLOSE_UNAUTHORIZED.reason)
        // A client that never answers the close handshake holds no socket for long.
        setTimeout(() => ws.terminate(), 1_000).unref()
      })
    })

    this.server = server
    this.wss = wss
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject)
        // Once listening, a server error (e.g. accept failing with EMFILE) is survived, not fatal.
        server.on('error', (err) => this.options.onFault?.('http server', err))
        resolve()
      })
    })
    const { port } = server.address() as AddressInfo
    const shownHost = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host
    return { port, url: `http://${shownHost}:${port}/?token=${encodeURIComponent(this.options.token)}` }
  }

  async close(): Promise<void> {
    this.unsubscribe?.()
    for (const [ws, fanout] of this.clients) {
      fanout.close()
      ws.terminate()
    }
    this.wss?.close()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
    this.server?.closeAllConnections()
  }

  private onClient(ws: WebSocket): void {
    const fanout = new ClientFanout({
      // One WebSocket message per frame: an array of {event, payload}.
      deliver: (frames) => ws.send(JSON.stringify(frames)),
      isReady: () => ws.readyState === ws.OPEN && ws.bufferedAmount < MAX_WS_BUFFERED_BYTES
    })
    this.clients.set(ws, fanout)
    this.options.log.info(`event client connected (${this.clients.size} now)`)
    // Listen to the bus only while someone is connected: with no client, events cost nothing here.
    this.unsubscribe ??= this.options.bus.subscribe((event, payload) => this.broadcast(event, payload))
    const gone = (): void => {
      fanout.close()
      this.clients.delete(ws)
      if (this.clients.size === 0) {
        this.unsubscribe?.()
        this.unsubscribe = undefined
      }
    }
    ws.on('close', gone)
    ws.on('error', gone)
    // Clients only listen; anything they send is ignored rather than trusted.
    ws.on('message', () => {})
  }

  private broadcast(event: EventName, payload: unknown): void {
    for (const fanout of this.clients.values()) fanout.offer(event, payload)
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (this.gate.saturated) {
        res.setHeader('Connection', 'close')
        res.setHeader('Retry-After', '1')
        throw new KeelError('unavailable', `the host is at its connection limit (${this.gate.openSockets} open): retry shortly`)
      }
      if (!hostHeaderAllowed(req, this.loopbackOnly)) throw new KeelError('unauthorized', 'host header not allowed')
      const url = new URL(req.url ?? '/', 'http://localhost')
      const route = this.options.routes?.[url.pathname]
      if (route) {
        if (!this.tokenOk(bearerToken(req, false))) throw new KeelError('unauthorized', 'missing or wrong bearer token (Authorization: Bearer <token>)')
        return void (await route(res))
      }
      if (url.pathname.startsWith('/api/')) {
        await this.handleApi(req, res, url.pathname.slice('/api/'.length))
        return
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET' }).end()
        return
      }
      await serveStatic(this.options.rendererDir, url.pathname, res)
    } catch (err) {
      sendError(res, KeelError.from(err))
    }
  }

  private async handleApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (!this.tokenOk(bearerToken(req, false))) {
      this.options.log.warn(`refused /api/${method} from ${req.socket.remoteAddress}: missing or wrong token`)
      // An unauthenticated client keeps no connection open.
      res.setHeader('Connection', 'close')
      res.setHeader('WWW-Authenticate', 'Bearer realm="keel"')
      throw new KeelError('unauthorized', UNAUTHORIZED_MESSAGE)
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST', 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ error: { code: 'bad_request', message: `use POST /api/${method}` } }))
      return
    }
    const params = parseJson(await readBody(req))
    const result = await this.options.router.call(method, params)
    res.writeHead(200, { 'Content-Type': 'application/json', ...SECURITY_HEADERS })
    res.end(JSON.stringify(result))
  }
}

function sendError(res: ServerResponse, err: KeelError): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  res.writeHead(HTTP_STATUS[err.code], { 'Content-Type': 'application/json', ...SECURITY_HEADERS })
  res.end(JSON.stringify({ error: err.toBody() }))
}

/** Bodies past this are not read at all: the connection is dropped. */
const MAX_DRAIN_BYTES = 16 << 20

/**
 * The request body, by plain listeners: an async iterator over the request costs a stream
 * pipeline's worth of listeners per request, measurable on the order path.
 */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const settle = (error?: KeelError | Error): void => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', settle)
      req.off('close', onClose)
      if (error) reject(error)
      else resolve(Buffer.concat(chunks).toString('utf8'))
    }
    const tooLarge = () => new KeelError('bad_request', `request body over ${MAX_BODY_BYTES} bytes`)
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      // Past the limit the rest is read and discarded, so the client gets the 400 rather than a
      // reset; an absurd body is cut off.
      if (size > MAX_DRAIN_BYTES) {
        req.socket.destroy()
        settle(tooLarge())
      } else if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    }
    const onEnd = (): void => settle(size > MAX_BODY_BYTES ? tooLarge() : undefined)
    // Closed before the end: the client went away mid-body.
    const onClose = (): void => settle(new Error('request closed before its body ended'))
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', settle)
    req.on('close', onClose)
  })
}

function parseJson(body: string): unknown {
  if (!body.trim()) return {}
  try {
    return JSON.parse(body)
  } catch {
    throw new KeelError('bad_request', 'request body is not valid JSON')
  }
}
