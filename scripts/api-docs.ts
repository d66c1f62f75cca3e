import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { events, methods, type MethodDef } from '../src/shared/api'
import { ErrorCode, HTTP_STATUS } from '../src/shared/errors'

/**
 * docs/api.md is generated from src/shared/api.ts (`npm run docs:api`), so the reference can't
 * drift from the schemas the router enforces; a unit test fails when it is out of date.
 */
const ERROR_MEANING: Record<z.infer<typeof ErrorCode>, string> = {
  bad_request: 'params failed validation (the message names the field)',
  unknown_method: 'no such method',
  not_found: 'unknown order, symbol or worker',
  rejected: 'valid, but refused: insufficient balance, below the minimum, stale market data…',
  unauthorized: 'missing or wrong token, or a foreign Host header',
  unavailable: 'the owning worker has failed (circuit open) or Keel is shutting down',
  timeout: 'no answer within the deadline',
  internal: 'a bug: please report it with the log',
  storage_damaged: 'trading.db is missing, corrupt or behind its journal mark: trading is refused until restoreBackup (or startFreshAccount); the message names the file, the cause and what to do',
  storage_unavailable: 'the disk is full, read-only or not permitted (the message says which): Keel carries on by itself once it can write again'
}

const INTRO = `# Keel API

One API, two bridges. Every method and event below is declared once in \`src/shared/api.ts\`
with zod schemas; the host validates params before anything runs and results before they leave.

- **Headless** (\`keel serve\`): \`POST /api/<method>\` with the params as a JSON body and
  \`Authorization: Bearer <token>\`; the answer is the JSON result. Events arrive on a WebSocket at
  \`/ws?token=<token>\` (or with the same Authorization header): each message is a JSON array of
  \`{"event": name, "payload": …}\` for one frame (~16 ms). Tickers, books, candles and health are
  coalesced to the latest value per frame; trades are kept in a bounded ring; orders, fills and
  crashes are never coalesced. Binds 127.0.0.1 unless \`--host\` says otherwise; requests must
  carry a loopback Host header then (DNS-rebinding guard).
- **Electron**: the preload exposes \`window.keelBridge.call(method, params)\` and
  \`subscribe(listener)\` (same frames); \`ipcMain.handle\` answers only the app's own main frame.
  The renderer uses \`KeelClient\` (\`src/renderer/src/client\`), which hides which bridge it is on.

## Errors

A failed call answers \`{"error": {"code": …, "message": …}}\` with the HTTP status below. The
message says what was wrong in words a trader can act on (e.g. \`amount 0.000001 below minimum
0.00001 for BTC/USDT\`).

| code | HTTP | meaning |
| --- | --- | --- |
${ErrorCode.options.map((c) => `| \`${c}\` | ${HTTP_STATUS[c]} | ${ERROR_MEANING[c]} |`).join('\n')}

A call to a worker that is restarting waits (up to 30 s) and is answered by its successor: a
caller sees a delay, not an error. Orders carry a \`clientOrderId\` (the host assigns one if you
don't), so a re-sent order is recognised and never doubled.

## Access and limits (headless)

- **Token.** \`--token-file <path>\`, else \`$KEEL_TOKEN\`, else the token kept in
  \`<data-dir>/token\` (0600, made on first start and reused, so a bookmarked URL keeps working).
  \`--token T\` also works but shows in \`ps\`. The scheme \`Bearer\` is case-insensitive.
- **Wrong or missing token, HTTP:** status 401, header \`WWW-Authenticate: Bearer realm="keel"\`,
  body exactly \`{"error":{"code":"unauthorized","message":"missing or wrong bearer token (Authorization: Bearer <token>)"}}\`.
  A client can rely on \`status === 401 && error.code === "unauthorized"\`.
- **Wrong or missing token, WebSocket:** a browser (it sends \`Origin\`) gets the handshake
  accepted and the socket closed at once with close code **4401**, reason
  \`unauthorized: missing or wrong token\` (browsers cannot read a refused handshake's status).
  A client without \`Origin\` gets a plain HTTP 401 handshake refusal. Any other close code means
  the connection dropped: reconnect.
- **Origin.** The WebSocket accepts no \`Origin\` (non-browser clients) or Keel's own origin;
  any other browser origin is refused with HTTP 403.
- **Connections.** Sockets are capped from the process's descriptor limit (\`ulimit -n\`, at most
  1,024); past three quarters of the cap requests get 503 \`unavailable\` with \`Retry-After: 1\`,
  past the cap new sockets are closed. A socket that sends no request headers within 5 s, or idles
  5 s between requests, is closed. Static paths with malformed escapes answer 400.
- **Slow event clients.** Each WebSocket client has bounded queues; a client that falls too far
  behind (or whose socket buffer passes a cap) gets one \`resync\` event and should refetch its
  state (orders, fills, balances) with the methods above.
`


function schemaBlock(schema: z.ZodType, io: 'input' | 'output'): string {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>
  delete json.$schema
  return '```json\n' + JSON.stringify(json, null, 1) + '\n```'
}

export function renderApiDocs(): string {
  const parts = [INTRO, '## Methods\n']
  for (const [name, def] of Object.entries(methods) as Array<[string, MethodDef]>) {
    parts.push(`### \`${name}\`\n\n${def.summary}\n\nAnswered by: **${def.owner}**.\n`)
    parts.push(`<details><summary>params</summary>\n\n${schemaBlock(def.params, 'input')}\n\n</details>\n`)
    parts.push(`<details><summary>result</summary>\n\n${schemaBlock(def.result, 'output')}\n\n</details>\n`)
  }
  parts.push('## Events\n')
  for (const [name, schema] of Object.entries(events)) {
    parts.push(`### \`${name}\`\n\n<details><summary>payload</summary>\n\n${schemaBlock(schema, 'output')}\n\n</details>\n`)
  }
  return parts.join('\n')
}

if (require.main === module) {
  writeFileSync(join(__dirname, '../docs/api.md'), renderApiDocs())
  console.log('wrote docs/api.md')
}
