/**
 * Web security rules both hosts apply: the Electron window (CSP header) and the headless
 * bridge (response headers, the loopback guard). Kept free of host imports so either may use it.
 */

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

/** Headers on every response Keel serves to a browser. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  // The page URL carries the token: never leak it in a Referer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY'
}

/** Names of this machine's loopback interface, as they appear in a Host header or a bind address. */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

export function isLoopbackHost(name: string): boolean {
  return LOOPBACK_HOSTS.has(name)
}
