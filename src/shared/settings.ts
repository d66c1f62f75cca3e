import { z } from 'zod'
import { Timeframe } from './market-data'
import { UpdateChannel } from './update'

/**
 * Keel's persisted settings (`<data-dir>/settings.json`), owned by the host. Every field has a
 * default (DEFAULT_SETTINGS), so a missing file or a new field never blocks start-up. Secrets never live here:
 * the LLM provider's key stays out of settings, diagnostics and the API.
 */

const Symbol = z.string().trim().min(3).max(40).regex(/^[A-Z0-9]+\/[A-Z0-9]+(:[A-Z0-9]+)?$/, 'a symbol like BTC/USDT')
const Money = z.number().finite().positive().max(1e12)

export const ExchangeSettings = z
  .object({
    id: z.string().trim().min(1).max(64).regex(/^[a-z0-9_-]+$/, 'a ccxt exchange id like binance, or demo'),
    symbols: z.array(Symbol).max(100)
  })
  .strict()

export const RiskSettings = z
  .object({
    /** Largest notional (quote currency) of one order. */
    maxOrderNotional: Money,
    /** Largest notional held in one symbol. */
    maxPositionNotional: Money,
    /** Trading halts for the day past this realized + unrealized loss. */
    maxDailyLoss: Money,
    maxOpenOrders: z.number().int().positive().max(10_000)
  })
  .strict()

export const NotificationSettings = z
  .object({
    fills: z.boolean(),
    staleFeed: z.boolean(),
    workerCrash: z.boolean(),
    workerFailed: z.boolean(),
    updates: z.boolean()
  })
  .strict()

const HttpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((s) => {
    try {
      return ['http:', 'https:'].includes(new URL(s).protocol)
    } catch {
      return false
    }
  }, 'an http(s) URL')

/**
 * The LLM analyst (an OpenAI-compatible endpoint) and its task queue: the one copy of these
 * settings, forwarded by the host to the AI worker at its start and on every change. The API
 * key is never stored here.
 */
export const LlmSettings = z
  .object({
    enabled: z.boolean(),
    /** Any OpenAI-compatible endpoint: https://api.openai.com/v1, http://127.0.0.1:11434/v1 (Ollama), ... */
    baseUrl: HttpUrl,
    model: z.string().trim().min(1).max(200),
    /** Prices in USD per million tokens, for the budget (0 for a local server). */
    inputPricePerMTok: z.number().finite().nonnegative().max(10_000),
    outputPricePerMTok: z.number().finite().nonnegative().max(10_000),
    dailyBudgetUsd: z.number().finite().nonnegative().max(1e6),
    monthlyBudgetUsd: z.number().finite().nonnegative().max(1e7),
    requestsPerMinute: z.number().finite().min(0.1).max(10_000),
    concurrency: z.number().int().min(1).max(16),
    timeoutMs: z.number().int().min(100).max(600_000),
    maxRetries: z.number().int().min(0).max(10),
    cacheTtlMs: z.number().int().min(0).max(86_400_000),
    maxTokens: z.number().int().min(16).max(32_000),
    /** Analyze each watched symbol (exchange.symbols) every this many minutes at 'scheduled' priority; 0 = off. */
    scheduleMinutes: z.number().int().min(0).max(10_080),
    scheduleTimeframe: Timeframe
  })
  .strict()
export type LlmSettings = z.infer<typeof LlmSettings>

export const LogSettings = z
  .object({
    format: z.enum(['text', 'json']),
    /** Each process's log rotates past this size; this many archives are kept. */
    maxSizeMb: z.number().int().min(1).max(1024),
    maxFiles: z.number().int().min(1).max(100)
  })
  .strict()

export const Settings = z
  .object({
    exchange: ExchangeSettings,
    risk: RiskSettings,
    notifications: NotificationSettings,
    updates: z.object({ channel: UpdateChannel }).strict(),
    openAtLogin: z.boolean(),
    llm: LlmSettings,
    logs: LogSettings
  })
  .strict()
export type Settings = z.infer<typeof Settings>

/** Defaults for every field: a missing file, section or field (an older file) takes these. */
export const DEFAULT_SETTINGS: Settings = {
  exchange: { id: 'demo', symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'] },
  risk: { maxOrderNotional: 10_000, maxPositionNotional: 50_000, maxDailyLoss: 2_000, maxOpenOrders: 200 },
  notifications: { fills: true, staleFeed: true, workerCrash: true, workerFailed: true, updates: true },
  updates: { channel: 'stable' },
  openAtLogin: false,
  llm: {
    enabled: false,
    baseUrl: 'https://api.openai.com/v1',
    model: 'gpt-4o-mini',
    inputPricePerMTok: 0.15,
    outputPricePerMTok: 0.6,
    dailyBudgetUsd: 1,
    monthlyBudgetUsd: 10,
    requestsPerMinute: 20,
    concurrency: 2,
    timeoutMs: 30_000,
    maxRetries: 4,
    cacheTtlMs: 5 * 60_000,
    maxTokens: 600,
    scheduleMinutes: 0,
    scheduleTimeframe: '1h'
  },
  logs: { format: 'text', maxSizeMb: 10, maxFiles: 5 }
}

/** A change: any subset of sections, each with any subset of its fields. */
export const SettingsPatch = z
  .object({
    exchange: ExchangeSettings.partial().strict().optional(),
    risk: RiskSettings.partial().strict().optional(),
    notifications: NotificationSettings.partial().strict().optional(),
    updates: z.object({ channel: UpdateChannel.optional() }).strict().optional(),
    openAtLogin: z.boolean().optional(),
    llm: LlmSettings.partial().strict().optional(),
    logs: LogSettings.partial().strict().optional()
  })
  .strict()
export type SettingsPatch = z.infer<typeof SettingsPatch>

/** What getSettings answers: the settings and where they live. */
export const SettingsView = z.object({
  settings: Settings,
  dataDir: z.string(),
  file: z.string(),
  /** Only the desktop app can open the folder in the OS file manager. */
  canOpenDataDir: z.boolean(),
  /** Set when settings.json was unreadable at start and defaults are in use (the bad file is kept). */
  loadError: z.string().nullable()
})
export type SettingsView = z.infer<typeof SettingsView>

export const DiagnosticsResult = z.object({
  path: z.string(),
  bytes: z.number().int().nonnegative(),
  files: z.array(z.string())
})
export type DiagnosticsResult = z.infer<typeof DiagnosticsResult>

/** Settings with `patch` laid over them, one level deep (sections merge, arrays replace). */
export function mergeSettings(base: Settings, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key]
    const isSection = typeof current === 'object' && current !== null && !Array.isArray(current)
    out[key] = isSection && typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...current, ...value } : value
  }
  return out
}
