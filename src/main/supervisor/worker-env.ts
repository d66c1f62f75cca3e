import { WORKER_ENV } from '../../shared/worker-protocol'

/**
 * What a worker inherits from the host's environment: an allow-list, never the whole of it.
 * Secrets the user keeps in their shell (API keys, KEEL_TOKEN, cloud credentials) stay in the
 * host; workers get what Node, ccxt's networking and the OS need, plus Keel's own settings.
 */
const INHERITED = new Set([
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TMP', 'TEMP',
  // Windows essentials
  'SystemRoot', 'SYSTEMROOT', 'windir', 'ComSpec', 'PATHEXT', 'APPDATA', 'LOCALAPPDATA', 'USERPROFILE', 'ProgramData',
  // networking: proxies and certificate stores (ccxt reaches exchanges through them)
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR',
  'NODE_ENV'
])
const INHERITED_PREFIXES = ['LC_', 'XDG_', 'KEEL_']
/** Keel variables that are the host's alone. */
const NEVER = new Set(['KEEL_TOKEN'])

export function inheritedEnv(hostEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(hostEnv)) {
    if (value === undefined || NEVER.has(key)) continue
    if (INHERITED.has(key) || INHERITED_PREFIXES.some((p) => key.startsWith(p))) env[key] = value
  }
  return env
}

/** The variables that tell a worker who it is (see workers/runtime/worker.ts). */
export function workerEnv(name: string, dataDir: string, heartbeatMs: number): Record<string, string> {
  return { [WORKER_ENV.name]: name, [WORKER_ENV.dataDir]: dataDir, [WORKER_ENV.heartbeatMs]: String(heartbeatMs) }
}
