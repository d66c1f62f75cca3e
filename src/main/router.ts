import type { z } from 'zod'
import { isMethodName, methods, type MethodDef, type MethodName, type Methods } from '../shared/api'
import { KeelError, describeZodError } from '../shared/errors'

/** Host-side implementations, typed by the validated params of their method. */
export type HostHandlers = { [M in MethodName]?: (params: z.output<Methods[M]['params']>) => unknown }
type HostHandler = (params: unknown) => unknown

/** Forwards a method to the worker that owns it (the supervisor implements this). */
export interface WorkerCaller {
  request(worker: Exclude<MethodDef['owner'], 'host'>, method: string, params: unknown): Promise<unknown>
}

/** Adjusts params before they leave the host, e.g. assigning a clientOrderId (see app-core). */
export type ParamsHook = (method: MethodName, params: unknown) => unknown

/**
 * The one router behind both bridges: look the method up, validate params, run it on the host
 * or forward it to the owning worker, and validate the result before it goes back out.
 */
export class Router {
  /** Sees every call's method, duration and error code (null when it succeeded): metrics. */
  observer: ((method: string, ms: number, errorCode: string | null) => void) | undefined

  constructor(
    private readonly hostHandlers: HostHandlers,
    private readonly workers: WorkerCaller,
    private readonly beforeForward: ParamsHook = (_m, p) => p
  ) {}

  async call(method: string, rawParams: unknown): Promise<unknown> {
    if (!this.observer) return this.route(method, rawParams)
    const started = performance.now()
    try {
      const result = await this.route(method, rawParams)
      this.observer(method, performance.now() - started, null)
      return result
    } catch (err) {
      this.observer(method, performance.now() - started, KeelError.from(err).code)
      throw err
    }
  }

  private async route(method: string, rawParams: unknown): Promise<unknown> {
    if (!isMethodName(method)) throw new KeelError('unknown_method', `unknown method "${method}"`)
    const def: MethodDef = methods[method]
    const parsed = def.params.safeParse(rawParams ?? {})
    if (!parsed.success) throw new KeelError('bad_request', `${method}: ${describeZodError(parsed.error)}`)
    let result: unknown
    if (def.owner === 'host') {
      // Params were validated against this very method's schema just above.
      const handler = this.hostHandlers[method] as HostHandler | undefined
      if (!handler) throw new KeelError('internal', `no host handler for ${method}`)
      result = await handler(parsed.data)
    } else {
      result = await this.workers.request(def.owner, method, this.beforeForward(method, parsed.data))
    }
    const checked = def.result.safeParse(result)
    if (!checked.success) throw new KeelError('internal', `${method} returned a malformed result: ${describeZodError(checked.error)}`)
    return checked.data
  }
}
