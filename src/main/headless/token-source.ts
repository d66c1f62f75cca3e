import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { newToken } from './auth'

export const MIN_TOKEN_LENGTH = 8
export const KEEL_TOKEN_ENV = 'KEEL_TOKEN'

export interface TokenChoice {
  token: string
  /** Where it came from, for the log (never the token itself). */
  source: 'flag' | 'token-file' | 'env' | 'data-dir'
}

/**
 * The API token, first found of: `--token`, `--token-file <path>`, `$KEEL_TOKEN`, else the
 * persistent `<data-dir>/token` (created 0600 on first start, reused after), so a bookmarked
 * URL keeps working across restarts and the token need not appear in `ps`.
 */
export function chooseToken(
  given: { token?: string | undefined; tokenFile?: string | undefined },
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env
): TokenChoice {
  if (given.token !== undefined) return { token: checked(given.token, '--token'), source: 'flag' }
  if (given.tokenFile !== undefined) return { token: checked(readTokenFile(given.tokenFile), `--token-file ${given.tokenFile}`), source: 'token-file' }
  const fromEnv = env[KEEL_TOKEN_ENV]
  if (fromEnv !== undefined && fromEnv !== '') return { token: checked(fromEnv.trim(), KEEL_TOKEN_ENV), source: 'env' }
  return { token: persistentToken(join(dataDir, 'token')), source: 'data-dir' }
}

function checked(token: string, from: string): string {
  if (token.length < MIN_TOKEN_LENGTH) throw new Error(`the token from ${from} must be at least ${MIN_TOKEN_LENGTH} characters`)
  if (/\s/.test(token)) throw new Error(`the token from ${from} must not contain whitespace`)
  return token
}

function readTokenFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch (err) {
    throw new Error(`cannot read --token-file ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
}

/** Reads `<data-dir>/token`, or writes a new one; keeps the file readable by the user only. */
function persistentToken(path: string): string {
  let existing: string | undefined
  try {
    existing = readFileSync(path, 'utf8').trim()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read the token file ${path}: ${(err as Error).message}`, { cause: err })
  }
  if (existing !== undefined && existing.length >= MIN_TOKEN_LENGTH && !/\s/.test(existing)) {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600)
    return existing
  }
  const token = newToken()
  writeFileSync(path, `${token}\n`, { mode: 0o600 })
  chmodSync(path, 0o600) // an existing (damaged) file keeps its old mode through writeFile
  return token
}
