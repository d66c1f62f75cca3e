import type { z } from 'zod'
import type { LlmKeyNotice, SetLlmSettingsParams } from '../shared/ai'
import { KeelError } from '../shared/errors'
import type { SecretStore } from './secret-store'
import type { Supervisor } from './supervisor/supervisor'

const SECRET_NAME = 'llm-api-key'
/** An API key in the environment wins over the stored one (headless, CI, a service unit). */
export const LLM_KEY_ENV = 'KEEL_LLM_API_KEY'

/**
 * The LLM API key lives with the host (encrypted in Electron, a 0600 file headless) and goes
 * only to the AI worker, over IPC, whenever it starts. Settings changes pass through here so
 * the key is split off before anything is forwarded; what comes back carries only `hasKey`.
 */
export class AiKeyRelay {
  constructor(
    private readonly supervisor: Supervisor,
    private readonly secrets: SecretStore,
    private readonly env: NodeJS.ProcessEnv = process.env
  ) {
    supervisor.listen({ onReady: (worker) => worker === 'ai' && this.sendKey() })
  }

  async setSettings(params: SetLlmSettingsParams): Promise<unknown> {
    const { apiKey, ...settings } = params
    if (apiKey !== undefined) {
      try {
        this.secrets.set(SECRET_NAME, apiKey)
      } catch (err) {
        throw new KeelError('rejected', `the API key cannot be stored: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    // The key rides with the settings (one ordered IPC request); the answer carries only hasKey.
    return this.supervisor.request('ai', 'setLlmSettings', { settings, key: this.keyNotice() })
  }

  private sendKey(): void {
    this.supervisor.notify('ai', 'llmKey', this.keyNotice())
  }

  private keyNotice(): z.input<typeof LlmKeyNotice> {
    const fromEnv = this.env[LLM_KEY_ENV]
    const stored = fromEnv ? null : this.secrets.get(SECRET_NAME)
    return fromEnv ? { key: fromEnv, source: 'env' } : stored ? { key: stored, source: 'stored' } : { key: null, source: 'none' }
  }
}
