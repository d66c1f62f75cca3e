import { homedir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

export const DEFAULT_PORT = 7420

export interface ServeOptions {
  port: number
  host: string
  dataDir: string
  token: string | undefined
  tokenFile?: string
  /** Supervision tuning; defaults in src/main/supervisor (5 restarts in 60 s, freeze after 2 s). */
  maxRestarts?: number
  restartWindowMs?: number
  freezeAfterMs?: number
}

export type CliCommand = { kind: 'serve'; options: ServeOptions } | { kind: 'help' } | { kind: 'version' }

export const USAGE = `Usage: keel serve [--port N] [--host H] [--data-dir DIR] [--token-file PATH | --token T]

Runs Keel headless: the supervised workers plus the UI and API over HTTP/WebSocket.
  --port N        port to listen on (default ${DEFAULT_PORT}; 0 picks a free port)
  --host H        address to bind (default 127.0.0.1; anything else exposes Keel to the network)
  --data-dir DIR  where trading.db, market.db and logs live (default: the desktop app's folder)
  --token-file PATH  read the API token from a file (keeps it out of \`ps\`)
  --token T       API token on the command line (visible to other users in \`ps\`)
                  Without either: $KEEL_TOKEN, else the token kept in DIR/token (made on first start)
  --max-restarts N       restarts of one worker allowed per window before it is marked failed (default 5)
  --restart-window S     that window in seconds (default 60)
  --freeze-after MS      a worker silent this long is frozen: killed and restarted (default 2000)
Prints one line with the URL (including the token) on stdout.`

/** Where Electron's app.getPath('userData') would be, so desktop and headless share data. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.KEEL_DATA_DIR) return env.KEEL_DATA_DIR
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Keel')
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Keel')
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Keel')
}

/** Parses argv (without node and script); throws an Error with a readable message on bad input. */
export function parseCli(argv: string[]): CliCommand {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      'max-restarts': { type: 'string' },
      'restart-window': { type: 'string' },
      'freeze-after': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' }
    }
  })
  if (values.help) return { kind: 'help' }
  if (values.version) return { kind: 'version' }
  const [command = 'serve', ...extra] = positionals
  if (command !== 'serve') throw new Error(`unknown command "${command}"`)
  if (extra.length) throw new Error(`unexpected argument "${extra[0]}"`)
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer from 0 to 65535, got "${values.port}"`)
  if (values.token !== undefined && values.token.length < 8) throw new Error('--token must be at least 8 characters')
  if (values.token !== undefined && values['token-file'] !== undefined) throw new Error('give --token or --token-file, not both')
  if (values['token-file'] !== undefined && !values['token-file'].trim()) throw new Error('--token-file must not be empty')
  if (values.host !== undefined && !values.host.trim()) throw new Error('--host must not be empty')
  const options: ServeOptions = {
    port,
    host: values.host ?? '127.0.0.1',
    dataDir: values['data-dir'] ?? defaultDataDir(),
    token: values.token,
    ...(values['token-file'] !== undefined && { tokenFile: values['token-file'] })
  }
  const maxRestarts = positiveInt('--max-restarts', values['max-restarts'], 1, 10_000)
  const windowS = positiveInt('--restart-window', values['restart-window'], 1, 86_400)
  const freezeAfter = positiveInt('--freeze-after', values['freeze-after'], 500, 600_000)
  if (maxRestarts !== undefined) options.maxRestarts = maxRestarts
  if (windowS !== undefined) options.restartWindowMs = windowS * 1000
  if (freezeAfter !== undefined) options.freezeAfterMs = freezeAfter
  return { kind: 'serve', options }
}

function positiveInt(flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${flag} must be an integer from ${min} to ${max}, got "${raw}"`)
  return n
}
