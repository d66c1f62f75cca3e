import { z } from 'zod'
import { methods, type MethodName, type ResultOf } from '../../../shared/api'
import { describeZodError, ErrorBody, KeelError } from '../../../shared/errors'

/**
 * The renderer's one trust rule for what the host sends: results and events alike are parsed
 * with their api.ts schema here, at the renderer's edge (EventHub does it for events), before
 * any store sees them. A malformed one is an error, never data.
 */
export function resultFrom<M extends MethodName>(method: M, body: unknown): ResultOf<M> {
  const parsed = methods[method].result.safeParse(body)
  if (!parsed.success) throw new KeelError('internal', `${method}: malformed result from the host: ${describeZodError(parsed.error)}`)
  return parsed.data as ResultOf<M>
}

/** The bridges answer errors as `{error:{code,message}}`; turn one into a KeelError. */
export function errorFrom(body: unknown, fallback: string): KeelError {
  const parsed = z.object({ error: ErrorBody }).safeParse(body)
  return parsed.success ? new KeelError(parsed.data.error.code, parsed.data.error.message) : new KeelError('internal', fallback)
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting'
