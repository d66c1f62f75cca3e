import type { JSX } from 'react'
import type { StrategyInfo } from '../../../../shared/bots'

type Specs = StrategyInfo['params']
export type ParamDraft = Record<string, string | boolean>

/** Form state for a strategy's params: every spec's value as the form holds it. */
export function paramDraft(specs: Specs, values: Record<string, unknown> = {}): ParamDraft {
  return Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => {
      const value = Object.hasOwn(values, name) ? values[name] : spec.default
      return [name, spec.type === 'bool' ? Boolean(value) : String(value)]
    })
  )
}

/** The draft as params (numbers parsed; the strategy worker judges ranges and says why). */
export function paramValues(specs: Specs, draft: ParamDraft): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {}
  for (const [name, spec] of Object.entries(specs)) {
    const raw = draft[name]
    if (raw === undefined) continue
    out[name] = spec.type === 'int' || spec.type === 'float' ? Number(raw) : raw
  }
  return out
}

/** One input per param, generated from the strategy's `params` specs. */
export function ParamFields({ specs, draft, onChange }: { specs: Specs; draft: ParamDraft; onChange(draft: ParamDraft): void }): JSX.Element {
  const entries = Object.entries(specs)
  if (entries.length === 0) return <p className="dim">This strategy takes no parameters.</p>
  const set = (name: string, value: string | boolean) => onChange({ ...draft, [name]: value })
  return (
    <div className="bot-params">
      {entries.map(([name, spec]) => {
        const id = `bot-param-${name}`
        const title = spec.description ?? name
        if (spec.type === 'bool') {
          return (
            <label key={name} className="bot-check" title={title}>
              <input id={id} type="checkbox" checked={Boolean(draft[name])} onChange={(e) => set(name, e.target.checked)} /> {name}
            </label>
          )
        }
        return (
          <div key={name} className="field" title={title}>
            <label htmlFor={id}>{name}</label>
            {spec.type === 'enum' ? (
              <select id={id} value={String(draft[name])} onChange={(e) => set(name, e.target.value)}>
                {spec.options.map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                type="number"
                inputMode="decimal"
                min={spec.min}
                max={spec.max}
                step={spec.step ?? (spec.type === 'int' ? 1 : 'any')}
                value={String(draft[name])}
                onChange={(e) => set(name, e.target.value)}
              />
            )}
          </div>
        )
      })}
    </div>
  )
}
