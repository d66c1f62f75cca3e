import type OpenAI from 'openai'
import { ProviderError, parseRetryAfter, type Completion, type CompletionRequest, type LlmProvider } from './provider'

/**
 * Any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, llama.cpp, LM Studio)
 * through the `openai` package. The SDK's own retries are off: the task manager retries, so
 * that retry-after, the rate limit and the budget are honoured across all tasks.
 */
type Sdk = typeof import('openai')
let sdk: Promise<Sdk> | undefined
/** The SDK loads on the first call: it costs the AI worker ~130 ms of start-up, for a feature that is off by default. */
const loadSdk = (): Promise<Sdk> => (sdk ??= import('openai'))

export class OpenAiProvider implements LlmProvider {
  async complete(request: CompletionRequest): Promise<Completion> {
    const openai = await loadSdk()
    // Local servers take any key; the SDK insists on a non-empty one.
    const client = new openai.default({ baseURL: request.baseUrl, apiKey: request.apiKey ?? 'none', maxRetries: 0, timeout: request.timeoutMs })
    let response: OpenAI.Chat.Completions.ChatCompletion
    try {
      response = await client.chat.completions.create({
        model: request.model,
        max_tokens: request.maxTokens,
        temperature: 0.2,
        messages: [
          { role: 'system', content: request.system },
          { role: 'user', content: request.user }
        ]
      })
    } catch (err) {
      throw classify(err, openai)
    }
    const text = response?.choices?.[0]?.message?.content
    const usage = response?.usage
    if (typeof text !== 'string' || !usage || !Number.isFinite(usage.prompt_tokens) || !Number.isFinite(usage.completion_tokens)) {
      throw new ProviderError('malformed', 'the provider answered without a message or token usage')
    }
    return { text, promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens }
  }
}

function classify(err: unknown, { APIConnectionError, APIConnectionTimeoutError, APIError }: Sdk): ProviderError {
  if (err instanceof APIConnectionTimeoutError) return new ProviderError('timeout', 'the provider did not answer in time')
  if (err instanceof APIConnectionError) return new ProviderError('network', `cannot reach the provider: ${err.message}`)
  if (err instanceof APIError) {
    const status = err.status ?? 0
    const message = `provider answered ${status}: ${err.message}`
    if (status === 429) return new ProviderError('rate_limited', message, parseRetryAfter(err.headers?.get('retry-after')))
    if (status === 408) return new ProviderError('timeout', message)
    if (status >= 500) return new ProviderError('server', message, parseRetryAfter(err.headers?.get('retry-after')))
    return new ProviderError('client', message)
  }
  // The SDK throws a SyntaxError for a body that is not JSON.
  if (err instanceof SyntaxError) return new ProviderError('malformed', `the provider's answer is not JSON: ${err.message}`)
  return new ProviderError('malformed', err instanceof Error ? err.message : String(err))
}
