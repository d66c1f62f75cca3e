import { KeelError } from '../../shared/errors'
import type { ParamSpec, ParamSpecs, ParamValue, ParamValues } from './contract'

/**
 * Parameter specs and values. A spec is checked once when a strategy loads (specsProblems);
 * values (from a bot's settings, a sweep, the UI form) are resolved against it with defaults,
 * and every bad value is named in one clear 4xx error.
 */

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/
const TYPES = new Set(['int', 'float', 'bool', 'enum'])

/** What is wrong with a strategy's `params` declaration; empty when nothing is. */
export function specsProblems(specs: unknown): string[] {
  if (specs === undefined) return []
  if (!isRecord(specs)) return ['params must be an object of { <name>: { type, default, ... } }']
  const problems: string[] = []
  for (const [name, spec] of Object.entries(specs)) {
    if (!PARAM_NAME.test(name)) problems.push(`param name "${name}" must be an identifier`)
    problems.push(...specProblems(name, spec))
  }
  return problems
}

function specProblems(name: string, spec: unknown): string[] {
  if (!isRecord(spec) || typeof spec.type !== 'string' || !TYPES.has(spec.type)) {
    return [`params.${name}.type must be one of int, float, bool, enum`]
  }
  const s = spec as ParamSpec
  const out: string[] = []
  if (s.type === 'enum') {
    const options: unknown = s.options
    if (!Array.isArray(options) || options.length === 0 || !options.every((o) => typeof o === 'string')) {
      return [`params.${name}.options must be a non-empty list of strings`]
    }
  } else if (s.type === 'int' || s.type === 'float') {
    for (const key of ['min', 'max', 'step'] as const) {
      const v: unknown = s[key]
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) out.push(`params.${name}.${key} must be a finite number`)
    }
    if (s.min !== undefined && s.max !== undefined && s.min > s.max) out.push(`params.${name}: min ${s.min} is above max ${s.max}`)
    if (s.step !== undefined && s.step <= 0) out.push(`params.${name}.step must be positive`)
  }
  const bad = valueProblem(name, s, s.default)
  if (bad) out.push(`params.${name}.default: ${bad}`)
  return out
}

/** Why `value` does not fit `spec`, or undefined when it does. */
function valueProblem(name: string, spec: ParamSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'bool':
      return typeof value === 'boolean' ? undefined : `${name} must be true or false`
    case 'enum':
      return typeof value === 'string' && spec.options.includes(value) ? undefined : `${name} must be one of ${spec.options.join(', ')}`
    case 'int':
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${name} must be a finite number`
      if (spec.type === 'int' && !Number.isInteger(value)) return `${name} must be a whole number`
      if (spec.min !== undefined && value < spec.min) return `${name} must be at least ${spec.min}`
      if (spec.max !== undefined && value > spec.max) return `${name} must be at most ${spec.max}`
      return undefined
    }
  }
}

/**
 * The values a strategy runs with: each given value checked against its spec, missing ones
 * defaulted, unknown names refused (a typo must not silently run the default).
 */
export function resolveParams(specs: ParamSpecs | undefined, values: Record<string, unknown> = {}): ParamValues {
  const declared = specs ?? {}
  const problems: string[] = []
  const resolved: ParamValues = {}
  for (const name of Object.keys(values)) {
    if (!Object.hasOwn(declared, name)) problems.push(`unknown param "${name}"${hint(declared)}`)
  }
  for (const [name, spec] of Object.entries(declared)) {
    const given = Object.hasOwn(values, name) ? values[name] : undefined
    const value = given === undefined ? spec.default : given
    const bad = valueProblem(name, spec, value)
    if (bad) problems.push(bad)
    else resolved[name] = value as ParamValue
  }
  if (problems.length) throw new KeelError('bad_request', `invalid params: ${problems.join('; ')}`)
  return resolved
}

function hint(specs: ParamSpecs): string {
  const names = Object.keys(specs)
  return names.length ? ` (this strategy takes ${names.join(', ')})` : ' (this strategy takes no params)'
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
