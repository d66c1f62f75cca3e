import type { z } from 'zod'
import type { eventOwners, Events, MethodName, Methods } from '../../src/shared/api'
import type { internalEventOwners, internalEvents } from '../../src/shared/internal-events'
import type { WorkerName } from '../../src/shared/worker-protocol'

/**
 * A worker's contract, derived from src/shared/api.ts: the methods whose `owner` is the worker
 * must all have a handler, each taking the parsed params (z.output of the method's params) and
 * answering what the method's result schema accepts (z.input: the host parses it again); the
 * worker may emit exactly the events `eventOwners` / `internalEventOwners` give it. A method or
 * event added to api.ts without an implementation, or with the wrong types, fails the type check
 * (test/unit/foundation/worker-contracts.test.ts proves it on fixtures).
 */

type Awaitable<T> = T | Promise<T>

/** Names of the api.ts methods a worker answers. */
export type MethodsOf<W extends WorkerName> = { [M in MethodName]: Methods[M]['owner'] extends W ? M : never }[MethodName]

/** Params as the worker receives them: parsed by the runtime with the method's schema. */
export type ParamsIn<M extends MethodName> = z.output<Methods[M]['params']>
/** What a handler may answer: anything the method's result schema accepts. */
export type ResultOut<M extends MethodName> = z.input<Methods[M]['result']>

export type HandlerOf<M extends MethodName> = (params: ParamsIn<M>) => Awaitable<ResultOut<M>>

/** One handler per owned method, each typed by api.ts: none missing, none for another owner's method. */
export type WorkerHandlers<W extends WorkerName> = { [M in MethodsOf<W>]: HandlerOf<M> } & {
  [M in Exclude<MethodName, MethodsOf<W>>]?: never
}

/** Every event a worker can push: client events (api.ts) and host-internal ones. */
type EventSchemas = Events & typeof internalEvents
type EventOwners = typeof eventOwners & typeof internalEventOwners
export type WorkerEventName = keyof EventOwners & keyof EventSchemas

/** Names of the events a worker may emit. */
export type EventsOf<W extends WorkerName> = { [E in WorkerEventName]: EventOwners[E] extends W ? E : never }[WorkerEventName]

/** An event payload as the worker sends it (the host validates it against the schema). */
export type EventPayload<E extends WorkerEventName> = z.input<EventSchemas[E]>

/** `emit(name, payload)`: one of the worker's events with a payload its schema accepts. */
export type Emit<W extends WorkerName> = <E extends EventsOf<W>>(event: E, payload: EventPayload<E>) => void
