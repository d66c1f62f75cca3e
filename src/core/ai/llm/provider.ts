/** One chat completion as the task manager needs it: text in, text and token usage out. */
export interface CompletionRequest {
  baseUrl: string
  apiKey: string | null
  model: string
  system: string
  user: string
  maxTokens: number
  timeoutMs: number
}

export interface Completion {
  text: string
  promptTokens: number
  completionTokens: number
}

export type ProviderFailureKind = 'rate_limited' | 'server' | 'timeout' | 'network' | 'client' | 'malformed'

/** A failed call, classified: the first four are worth retrying, the rest go to dead letters. */
export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderFailureKind,
    message: string,
    readonly retryAfterMs: number | null = null,
    /** Tokens the provider reported even though the call failed (e.g. an unparsable answer). */
    readonly usage: { promptTokens: number; completionTokens: number } | null = null
  ) {
    super(message)
    this.name = 'ProviderError'
  }

  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'server' || this.kind === 'timeout' || this.kind === 'network'
  }
}

export interface LlmProvider {
  complete(request: CompletionRequest): Promise<Completion>
}

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000)
  const date = Date.parse(value)
  return Number.isFinite(date) ? Math.max(0, date - now) : null
}
