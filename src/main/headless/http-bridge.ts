import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import type { EventName } from '../../shared/api'
import { HTTP_STATUS, KeelError } from '../../shared/errors'
import type { EventBus } from '../bus'
import { ClientFanout } from '../client-fanout'
import type { Logger } from '../logger'
import type { Router } from '../router'
import { bearerToken, hostHeaderAllowed, tokenChecker } from './auth'
import { SECURITY_HEADERS, serveStatic } from './static-files'

const MAX_BODY_BYTES = 1 << 20
/** A client this far behind is skipped for a frame; it gets the latest state when it catches up. */
const MAX_WS_BUFFERED_BYTES = 4 << 20

export interface HttpBridgeOptions {
  host: string
  port: number
  token: string
  rendererDir: string
  router: Router
  bus: EventBus
  log: Logger
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

  constructor(private readonly options: HttpBridgeOptions) {
    this.tokenOk = tokenChecker(options.token)
  }

  get clientCount(): number {
    return this.clients.size
  }

  get loopbackOnly(): boolean {
    return ['127.0.0.1', 'localhost', '::1'].includes(this.options.host)
  }

  async listen(): Promise<{ port: number; url: string }> {
    const server = createServer((req, res) => void this.handle(req, res))
    const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
    server.on('upgrade', (req, socket, head) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname
      if (path !== '/ws' || !hostHeaderAllowed(req, this.loopbackOnly) || !this.tokenOk(bearerToken(req, true))) {
        this.options.log.warn(`refused a WebSocket upgrade to ${path} from ${req.socket.remoteAddress} (bad path, host or token)`)
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
        return
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.onClient(ws))
    })
    this.server = server
    this.wss = wss
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.options.port, this.options.host, () => resolve())
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
      throw new KeelError('unauthorized', 'missing or wrong bearer token (Authorization: Bearer <token>)')
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

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new KeelError('bad_request', `request body over ${MAX_BODY_BYTES} bytes`)
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function parseJson(body: string): unknown {
  if (!body.trim()) return {}
  try {
    return JSON.parse(body)
  } catch {
    throw new KeelError('bad_request', 'request body is not valid JSON')
  }
}
