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

/** One file per secret under <dataDir>/secrets, readable by the owner only. */
export class FileSecretStore implements SecretStore {
  constructor(private readonly dir: string) {}

  static inDataDir(dataDir: string): FileSecretStore {
    return new FileSecretStore(join(dataDir, 'secrets'))
  }

  get(name: string): string | null {
    try {
      return readFileSync(this.path(name), 'utf8')
    } catch {
      return null
    }
  }

  set(name: string, value: string | null): void {
    const file = this.path(name)
    if (value === null) return rmSync(file, { force: true })
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
    writeFileSync(file, value, { mode: 0o600 })
    chmodSync(file, 0o600) // mode applies only when the file is created
  }

  private path(name: string): string {
    if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad secret name ${name}`)
    return join(this.dir, name)
  }
}
