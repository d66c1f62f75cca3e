import { createHash, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A loopback update feed that answers like electron-updater's generic provider expects:
 * `latest.yml` (Windows), `latest-mac.yml`, `latest-linux.yml` and the `beta*` variants, plus
 * a payload whose size and sha512 match, streamed slowly so the download progress shows.
 * `npx tsx scripts/update-feed.ts --version 9.9.9 [--port 45678] [--mb 20] [--kbps 2048]`,
 * then `KEEL_DEV_UPDATES=1 npm start` (dev-app-update.yml points here). The payload is not a
 * real installer: the app reaches "ready", and installing it fails, which shows that error path.
 */
export interface UpdateFeedOptions {
  version: string
  port?: number
  payloadBytes?: number
  bytesPerSecond?: number
  releaseNotes?: string
}

export interface UpdateFeed {
  url: string
  close(): Promise<void>
  /** The yml served for a channel file name (for checks). */
  feedFile(name: string): string | undefined
}

const ARTIFACT: Record<string, (v: string) => string> = {
  '': (v) => `Keel-Setup-${v}.exe`,
  '-mac': (v) => `Keel-${v}-mac.zip`,
  '-linux': (v) => `Keel-${v}.AppImage`
}

function yml(version: string, file: string, sha512: string, size: number, notes: string): string {
  return [
    `version: ${version}`,
    'files:',
    `  - url: ${file}`,
    `    sha512: ${sha512}`,
    `    size: ${size}`,
    `path: ${file}`,
    `sha512: ${sha512}`,
    `releaseDate: '${new Date().toISOString()}'`,
    `releaseNotes: ${JSON.stringify(notes)}`,
    ''
  ].join('\n')
}

export async function startUpdateFeed(o: UpdateFeedOptions): Promise<UpdateFeed> {
  const payload = randomBytes(o.payloadBytes ?? 8 << 20)
  const sha512 = createHash('sha512').update(payload).digest('base64')
  const feeds = new Map<string, string>()
  const artifacts = new Set<string>()
  for (const [suffix, name] of Object.entries(ARTIFACT)) {
    const file = name(o.version)
    artifacts.add(file)
    for (const channel of ['latest', 'beta']) feeds.set(`${channel}${suffix}.yml`, yml(o.version, file, sha512, payload.length, o.releaseNotes ?? `Keel ${o.version} (loopback test feed)`))
  }
  const rate = o.bytesPerSecond ?? 2 << 20
  const server: Server = createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname.slice(1))
    const feed = feeds.get(name)
    if (feed !== undefined) return void res.writeHead(200, { 'Content-Type': 'text/yaml', 'Cache-Control': 'no-store' }).end(feed)
    if (!artifacts.has(name)) return void res.writeHead(404).end()
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': payload.length })
    if (req.method === 'HEAD') return void res.end()
    // Streamed in 10 slices a second at `rate`, so electron-updater reports progress.
    const slice = Math.max(1, Math.floor(rate / 10))
    let offset = 0
    const timer = setInterval(() => {
      const chunk = payload.subarray(offset, offset + slice)
      offset += chunk.length
      if (chunk.length) res.write(chunk)
      if (offset >= payload.length) {
        clearInterval(timer)
        res.end()
      }
    }, 100)
    res.on('close', () => clearInterval(timer))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port ?? 45678, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    feedFile: (name) => feeds.get(name),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}

if (require.main === module) {
  const version = arg('version') ?? '9.9.9'
  if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) {
    console.error(`update-feed: --version must look like 1.2.3 or 1.2.3-beta.1, got "${version}"`)
    process.exit(2)
  }
  startUpdateFeed({ version, port: Number(arg('port') ?? 45678), payloadBytes: Number(arg('mb') ?? 20) << 20, bytesPerSecond: Number(arg('kbps') ?? 2048) << 10 }).then(
    (feed) => console.log(`update feed for Keel ${version} at ${feed.url} (KEEL_DEV_UPDATES=1 npm start)`),
    (err: unknown) => {
      console.error(`update-feed: ${err instanceof Error ? err.message : String(err)}`)
      process.exit(1)
    }
  )
}
