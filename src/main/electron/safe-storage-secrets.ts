import { safeStorage } from 'electron'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { secretFile, writePrivateFile, type SecretStore } from '../secret-store'

/**
 * Secrets encrypted with the OS keychain through Electron's safeStorage (Keychain, DPAPI,
 * libsecret/kwallet), one 0600 file each under <userData>/secrets. Where no keychain is
 * available, nothing is stored in the clear: setting a secret fails with the reason.
 */
export class SafeStorageSecrets implements SecretStore {
  private readonly dir: string

  constructor(userData: string) {
    this.dir = join(userData, 'secrets')
  }

  get(name: string): string | null {
    try {
      return safeStorage.decryptString(readFileSync(secretFile(this.dir, name, '.enc')))
    } catch {
      return null
    }
  }

  set(name: string, value: string | null): void {
    const file = secretFile(this.dir, name, '.enc')
    if (value === null) return rmSync(file, { force: true })
    if (!safeStorage.isEncryptionAvailable()) throw new Error('no OS keychain is available to encrypt the key; set KEEL_LLM_API_KEY in the environment instead')
    writePrivateFile(file, safeStorage.encryptString(value))
  }
}
