import { readFile } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2'
}

/** The same Content-Security-Policy the Electron window uses (see index.html). */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  // The page URL carries the token: never leak it in a Referer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY'
}

/** Serves the built renderer (out/renderer). Paths that escape the folder are refused. */
export async function serveStatic(rootDir: string, urlPath: string, res: ServerResponse): Promise<void> {
  const relative = decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath)
  const full = normalize(join(rootDir, relative))
  if (!full.startsWith(rootDir.endsWith(sep) ? rootDir : rootDir + sep)) {
    res.writeHead(403).end()
    return
  }
  try {
    const body = await readFile(full)
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': CONTENT_TYPES[extname(full)] ?? 'application/octet-stream',
      'Cache-Control': full.endsWith('index.html') ? 'no-cache' : 'max-age=3600'
    })
    res.end(body)
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found')
  }
}
