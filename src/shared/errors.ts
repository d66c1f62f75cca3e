import { z } from 'zod'

/**
 * Error codes every bridge and worker uses. The headless bridge maps them to HTTP status
 * codes (see HTTP_STATUS), so a client can tell its own mistake (4xx) from ours (5xx).
 */
export const ErrorCode = z.enum([
  'bad_request', // params failed validation
  'unknown_method',
  'not_found', // e.g. unknown order id, unknown worker
  'rejected', // a valid request the domain refuses (insufficient balance, below min amount, stale feed)
  'unauthorized',
  'unavailable', // the owning worker is failed (circuit open) or stopping
  'timeout',
  'internal',
  // ── storage ──
  'storage_damaged', // a database is missing, corrupt or behind its journal mark: trading refused until restored
  'storage_unavailable' // the disk is full, read-only or not permitted: carries on once fixed
])
export type ErrorCode = z.infer<typeof ErrorCode>

export const ErrorBody = z.object({ code: ErrorCode, message: z.string() })
export type ErrorBody = z.infer<typeof ErrorBody>

export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  not_found: 404,
  unknown_method: 404,
  rejected: 422,
  timeout: 504,
  unavailable: 503,
  internal: 500,
  storage_damaged: 503,
  storage_unavailable: 503
}

/** An error that carries a code across process and network boundaries. */
export class KeelError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string) {
    super(message)
    this.name = 'KeelError'
    this.code = code
  }
  toBody(): ErrorBody {
    return { code: this.code, message: this.message }
  }
  static from(err: unknown): KeelError {
    if (err instanceof KeelError) return err
    const parsed = ErrorBody.safeParse(err)
    if (parsed.success) return new KeelError(parsed.data.code, parsed.data.message)
    const message = err instanceof Error ? err.message : String(err)
    return new KeelError('internal', message)
  }
}

/** Turns a zod failure into one readable sentence: "amount: must be positive; symbol: required". */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length ? issue.path.join('.') : '(root)'
      return `${path}: ${issue.message}`
    })
    .join('; ')
}
