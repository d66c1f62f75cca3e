import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { isLoopbackHost } from '../web-policy'

export function newToken(): string {
  return randomBytes(24).toString('base64url')
}

/**
 * A checker for one token: constant-time comparison (hashing first makes the lengths equal),
 * with the expected digest computed once rather than on every request.
 */
export function tokenChecker(expected: string): (given: string | null | undefined) => boolean {
  const want = createHash('sha256').update(expected).digest()
  return (given) => !!given && timingSafeEqual(want, createHash('sha256').update(given).digest())
}

/** The bearer token of a request: the Authorization header (scheme case-insensitive, RFC 7235), or `?token=` (WebSocket only). */
export function bearerToken(req: IncomingMessage, allowQuery: boolean): string | null {
  const header = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
  if (header?.[1]) return header[1]
  if (!allowQuery) return null
  return new URL(req.url ?? '/', 'http://localhost').searchParams.get('token')
}

/** The name part of a Host header ("127.0.0.1:7420" → "127.0.0.1", "[::1]:7420" → "[::1]"). */
function hostName(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? '')
}

/**
 * DNS-rebinding guard: while bound to loopback, only accept requests addressed to a loopback
 * name, so a web page on evil.example resolving to 127.0.0.1 cannot reach the API.
 */
export function hostHeaderAllowed(req: IncomingMessage, boundToLoopback: boolean): boolean {
  if (!boundToLoopback) return true
  const host = req.headers.host
  return !!host && isLoopbackHost(hostName(host))
}

/**
 * Cross-site WebSocket guard: a browser always sends Origin, and only Keel's own page (the
 * origin this very request is addressed to) may open the event stream. Clients that are not
 * browsers send no Origin and are judged by their token alone.
 */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true
  try {
    const url = new URL(origin)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === req.headers.host
  } catch {
    return false
  }
}
