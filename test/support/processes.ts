import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

/** Integration tests run the real build (npm test builds first). */
export const OUT_MAIN = resolve(__dirname, '../../out/main')
export const CLI = join(OUT_MAIN, 'cli.js')

export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does)`)
}

export function tempDir(prefix = 'keel-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix))
  // Retries: a SIGKILLed host's workers may still be writing their last log lines for a moment.
  return { path, remove: () => rmSync(path, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }) }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  // A zombie still answers kill(0); it is dead for our purposes.
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

export interface ServeProcess {
  child: ChildProcess
  url: string
  origin: string
  token: string
  stderr(): string
  call(method: string, params?: unknown, token?: string): Promise<{ status: number; body: unknown }>
}

export interface ServeSpawnOptions {
  /** Run under `ulimit -n N` (a low descriptor limit). */
  fdLimit?: number
  env?: NodeJS.ProcessEnv
  /** The token to pass with --token; null passes none (the host picks: file, env or data dir). */
  token?: string | null
  /** Its own process group (the host and its workers), so a test can stop the whole group. */
  detached?: boolean
}

/** Starts `keel serve --port 0` as a real process and waits for its URL line. */
export async function startServe(dataDir: string, extraArgs: string[] = [], spawnOptions: ServeSpawnOptions = {}): Promise<ServeProcess> {
  assertBuilt()
  const given = spawnOptions.token === undefined ? 'test-token-0123456789' : spawnOptions.token
  const args = [CLI, 'serve', '--port', '0', '--data-dir', dataDir, ...(given === null ? [] : ['--token', given]), ...extraArgs]
  const [command, argv] =
    spawnOptions.fdLimit === undefined
      ? [process.execPath, args]
      : ['bash', ['-c', `ulimit -n ${spawnOptions.fdLimit} && exec "$0" "$@"`, process.execPath, ...args]]
  const child = spawn(command, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Started outside the repo: like an installed app, it finds nothing (tsx, the TypeScript
    // sources) by the working directory.
    cwd: tmpdir(),
    env: spawnOptions.env ?? process.env,
    detached: spawnOptions.detached ?? false
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const url = await waitFor('the serve URL line', () => /(http:\/\/\S+)/.exec(stdout)?.[1], 15_000)
  const origin = new URL(url).origin
  const token = new URL(url).searchParams.get('token') ?? ''
  return {
    child,
    url,
    origin,
    token,
    stderr: () => stderr,
    call: async (method, params = {}, useToken = token) => {
      const res = await fetch(`${origin}/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${useToken}` },
        body: typeof params === 'string' ? params : JSON.stringify(params)
      })
      return { status: res.status, body: await res.json() }
    }
  }
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
  return new Promise((resolveExit) => {
    child.once('exit', (code) => resolveExit(code))
    child.kill(signal)
  })
}
