import { z } from 'zod'
import { ErrorBody, KeelError } from '../../../shared/errors'

/** The bridges answer errors as `{error:{code,message}}`; turn one into a KeelError. */
export function errorFrom(body: unknown, fallback: string): KeelError {
  const parsed = z.object({ error: ErrorBody }).safeParse(body)
  return parsed.success ? new KeelError(parsed.data.error.code, parsed.data.error.message) : new KeelError('internal', fallback)
}

/**
 * 'silent': the socket is open but the host sent nothing for a while (paused, frozen, or a dead
 * link the OS has not noticed). 'unauthorized' is final: the host refused the token, so
 * retrying cannot help until it changes.
 */
export type ConnectionState = 'connecting' | 'open' | 'silent' | 'reconnecting' | 'unauthorized'
