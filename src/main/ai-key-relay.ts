import type { z } from 'zod'
import type { LlmKeyNotice, LlmSettingsView, SetLlmSettingsParams, WorkerLlmSettingsParams } from '../shared/ai'
import { KeelError } from '../shared/errors'
import type { Settings, SettingsPatch } from '../shared/settings'
import type { Logger } from './logger'
import type { SecretStore } from './secret-store'
import type { Supervisor } from './supervisor/supervisor'

const SECRET_NAME = 'llm-api-key'
/** An API key in the environment wins over the stored one (headless, CI, a service unit). */
export const LLM_KEY_ENV = 'KEEL_LLM_API_KEY'

/** What the relay needs of the host's settings.json (SettingsStore). */
export interface LlmSettingsSource {
  readonly current: Settings
  update(patch: SettingsPatch): Settings
  onChange(listener: (next: Settings, before: Settings) => void): () => void
}

/**
 * The LLM settings have one home, the host's settings.json `llm` section (the Settings panel,
 * updateSettings and aiSetLlmSettings all change it); the API key lives with the host
 * (encrypted in Electron, a 0600 file headless). Both go to the AI worker, over IPC only, at
 * every start of it and on every change, with the watched symbols its schedule analyzes.
 * What comes back to clients carries only `hasKey`.
 */
export class AiLlmRelay {
  constructor(
    private readonly supervisor: Supervisor,
    private readonly secrets: SecretStore,
    private readonly settings: LlmSettingsSource,
    private readonly log: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env
  ) {
    supervisor.listen({ onReady: (worker) => worker === 'ai' && this.forward() })
    settings.onChange((next, before) => {
      if (next.llm !== before.llm || next.exchange !== before.exchange) this.forward()
    })
  }

  view(): LlmSettingsView {
    const key = this.keyNotice()
    return { ...this.settings.current.llm, hasKey: key.key !== null, keySource: key.source }
  }

  setSettings(params: SetLlmSettingsParams): LlmSettingsView {
    const { apiKey, ...llm } = params
    // Validated as a whole (bad input: 400 with every reason) before the key is touched.
    if (Object.keys(llm).length) this.settings.update({ llm })
    if (apiKey !== undefined) {
      try {
        this.secrets.set(SECRET_NAME, apiKey)
      } catch (err) {
        throw new KeelError('rejected', `the API key cannot be stored: ${err instanceof Error ? err.message : String(err)}`)
      }
      this.forward()
    }
    return this.view()
  }

  /** Ordered IPC: a request sent after this reaches the AI worker after these settings. */
  private forward(): void {
    if (this.supervisor.health().find((w) => w.name === 'ai')?.state !== 'running') return // sent again when it is ready
    const { llm, exchange } = this.settings.current
    const params: z.input<typeof WorkerLlmSettingsParams> = { settings: llm, watch: { exchange: exchange.id, symbols: exchange.symbols }, key: this.keyNotice() }
    this.supervisor.request('ai', 'setLlmSettings', params).catch((err: unknown) => this.log.warn(`the AI worker did not take the LLM settings: ${err instanceof Error ? err.message : String(err)}`))
  }

  private keyNotice(): z.input<typeof LlmKeyNotice> {
    const fromEnv = this.env[LLM_KEY_ENV]
    const stored = fromEnv ? null : this.secrets.get(SECRET_NAME)
    return fromEnv ? { key: fromEnv, source: 'env' } : stored ? { key: stored, source: 'stored' } : { key: null, source: 'none' }
  }
}
