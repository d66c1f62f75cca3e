import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

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

/** The bearer token of a request: the Authorization header, or `?token=` (WebSocket only). */
export function bearerToken(req: IncomingMessage, allowQuery: boolean): string | null {
  const header = req.headers.authorization
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim()
  if (!allowQuery) return null
  return new URL(req.url ?? '/', 'http://localhost').searchParams.get('token')
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

/**
 * DNS-rebinding guard: while bound to loopback, only accept requests addressed to a loopback
 * name, so a web page on evil.example resolving to 127.0.0.1 cannot reach the API.
 */
export function hostHeaderAllowed(req: IncomingMessage, boundToLoopback: boolean): boolean {
  if (!boundToLoopback) return true
  const host = req.headers.host
  if (!host) return false
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]
  return LOOPBACK_HOSTS.has(name ?? '')
}
