import type { z } from 'zod'
import { describeZodError, KeelError } from '../../shared/errors'
import { AmendOrderParams, CancelAllParams, CancelOrderParams, PlaceOrderParams, ResetAccountParams } from '../../shared/trading'
import type { Command, CommandKind, CommandParams, EngineInput } from './engine'

const SCHEMAS: { [K in CommandKind]: z.ZodType<CommandParams[K], unknown> } = {
  placeOrder: PlaceOrderParams,
  cancelOrder: CancelOrderParams,
  cancelAll: CancelAllParams,
  amendOrder: AmendOrderParams,
  resetAccount: ResetAccountParams
}

/**
 * A command from raw params, parsed with the API's schemas. For in-process callers whose input
 * crossed no parsing edge (backtests, tools, tests); the execution worker's requests are parsed
 * by the worker runtime with the same schemas. Throws KeelError('bad_request') naming the field.
 */
export function parseCommand<K extends CommandKind>(kind: K, at: number, raw: unknown): Extract<Command, { kind: K }> {
  const parsed = SCHEMAS[kind].safeParse(raw)
  if (!parsed.success) throw new KeelError('bad_request', `${kind}: ${describeZodError(parsed.error)}`)
  return { kind, at, params: parsed.data } as Extract<Command, { kind: K }>
}

/** An engine input whose command params are still raw: what a test, bench or tool builds. */
export type RawEngineInput = Exclude<EngineInput, { kind: CommandKind }> | { kind: CommandKind; at: number; params: unknown }

/** `parseCommand` for commands; market events and setMarkets pass through as they are. */
export function parseInput(raw: RawEngineInput): EngineInput {
  return isCommandKind(raw.kind) ? parseCommand(raw.kind, (raw as { at: number }).at, (raw as { params: unknown }).params) : (raw as EngineInput)
}

function isCommandKind(kind: string): kind is CommandKind {
  return Object.hasOwn(SCHEMAS, kind)
}
