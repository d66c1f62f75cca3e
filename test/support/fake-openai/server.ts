import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the fake answers to the next request; once the script is empty, `ok` with a valid analysis. */
export type FakeReply =
  | { kind: 'ok'; content?: string; promptTokens?: number; completionTokens?: number; delayMs?: number }
  | { kind: 'status'; status: number; retryAfter?: string; message?: string }
  /** A 200 whose body is not JSON. */
  | { kind: 'malformed-json' }
  /** Never answers (the client's timeout has to fire). */
  | { kind: 'hang' }

export interface RecordedRequest {
  at: number
  authorization: string | undefined
  body: { model?: string; messages?: Array<{ role: string; content: string }>; max_tokens?: number }
}

export const VALID_ANALYSIS = JSON.stringify({ stance: 'bullish', confidence: 0.62, rationale: 'Higher highs on rising volume.', risks: ['a reversal at resistance'] })

/**
 * A loopback stand-in for the OpenAI chat-completions API, answering like the real one
 * (status codes, retry-after, usage), scripted per request so tests can stage 429s, 500s,
 * timeouts, malformed bodies and slow answers.
 */
export class FakeOpenAi {
  readonly requests: RecordedRequest[] = []
  private readonly script: FakeReply[] = []
  private server: Server | undefined
  private readonly hanging = new Set<IncomingMessage>()

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
          res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }))
          return
        }
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RecordedRequest['body']
        this.requests.push({ at: Date.now(), authorization: req.headers.authorization, body })
        const reply = this.script.shift() ?? { kind: 'ok' }
        if (reply.kind === 'hang') {
          this.hanging.add(req)
          return
        }
        if (reply.kind === 'malformed-json') {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": "chatcmpl-1", "choices": [')
          return
        }
        if (reply.kind === 'status') {
          const headers: Record<string, string> = { 'content-type': 'application/json' }
          if (reply.retryAfter !== undefined) headers['retry-after'] = reply.retryAfter
          res.writeHead(reply.status, headers).end(JSON.stringify({ error: { message: reply.message ?? `status ${reply.status}`, type: 'server_error' } }))
          return
        }
        const answer = {
          id: `chatcmpl-${this.requests.length}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: reply.content ?? VALID_ANALYSIS } }],
          usage: { prompt_tokens: reply.promptTokens ?? 400, completion_tokens: reply.completionTokens ?? 60, total_tokens: (reply.promptTokens ?? 400) + (reply.completionTokens ?? 60) }
        }
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)), reply.delayMs ?? 0)
      })
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`
  }

  enqueue(...replies: FakeReply[]): void {
    this.script.push(...replies)
  }

  async stop(): Promise<void> {
    for (const req of this.hanging) req.socket.destroy()
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }
}
