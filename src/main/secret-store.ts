import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * Where the host keeps secrets (the LLM API key). Electron encrypts with safeStorage
 * (src/main/electron/safe-storage-secrets.ts); headless keeps a 0600 file in the data dir.
 * Values are never logged and never reach the renderer.
 */
export interface SecretStore {
  get(name: string): string | null
  set(name: string, value: string | null): void
}

/** The file of a secret: names are plain words, so no name can reach outside the folder. */
export function secretFile(dir: string, name: string, suffix = ''): string {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad secret name ${name}`)
  return join(dir, `${name}${suffix}`)
}

/** Written readable by the owner only (the mode option applies only when a file is created). */
export function writePrivateFile(file: string, data: string | Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  writeFileSync(file, data, { mode: 0o600 })
  chmodSync(file, 0o600)
}

/** One 0600 file per secret under <dataDir>/secrets (headless). */
export class FileSecretStore implements SecretStore {
  constructor(private readonly dir: string) {}

  static inDataDir(dataDir: string): FileSecretStore {
    return new FileSecretStore(join(dataDir, 'secrets'))
  }

  get(name: string): string | null {
    try {
      return readFileSync(secretFile(this.dir, name), 'utf8')
    } catch {
      return null
    }
  }

  set(name: string, value: string | null): void {
    const file = secretFile(this.dir, name)
    if (value === null) rmSync(file, { force: true })
    else writePrivateFile(file, value)
  }
}
