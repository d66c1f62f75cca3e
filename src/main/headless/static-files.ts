import { readFile, realpath } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'
import { KeelError } from '../../shared/errors'
import { SECURITY_HEADERS } from '../web-policy'

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

function decodePath(urlPath: string): string {
  try {
    return decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath)
  } catch {
    throw new KeelError('bad_request', 'malformed percent-escape in the path')
  }
}

function inside(root: string, path: string): boolean {
  return path.startsWith(root.endsWith(sep) ? root : root + sep)
}

/**
 * Serves the built renderer (out/renderer). Paths that escape the folder are refused, by name
 * and after resolving symlinks: a link inside the folder never serves a file outside it.
 */
export async function serveStatic(rootDir: string, urlPath: string, res: ServerResponse): Promise<void> {
  const relative = decodePath(urlPath)
  if (relative.includes('\0')) throw new KeelError('bad_request', 'NUL byte in the path')
  const full = normalize(join(rootDir, relative))
  if (!inside(rootDir, full)) {
    res.writeHead(403).end()
    return
  }
  let body: Buffer
  try {
    const [realRoot, realFull] = await Promise.all([realpath(rootDir), realpath(full)])
    if (!inside(realRoot, realFull)) {
      res.writeHead(403).end()
      return
    }
    body = await readFile(realFull)
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found')
    return
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': CONTENT_TYPES[extname(full)] ?? 'application/octet-stream',
    'Cache-Control': full.endsWith('index.html') ? 'no-cache' : 'max-age=3600'
  })
  res.end(body)
}
