import { useMemo, useState, type FormEvent, type JSX } from 'react'
import type { Bot } from '../../../../shared/bots'
import { Timeframe } from '../../../../shared/market-data'
import { useClient } from '../../client-context'
import { useBotsStore } from '../../stores/bots'
import { ParamFields, paramDraft, paramValues, type ParamDraft } from './ParamFields'

const LIMITS = [
  ['maxPositionNotional', 'Max position (quote)'],
  ['maxOpenOrders', 'Max open orders'],
  ['maxOrdersPerMinute', 'Max orders / min'],
  ['maxDailyLoss', 'Max daily loss (quote)'],
  ['maxDrawdownPercent', 'Max drawdown %']
] as const
type LimitName = (typeof LIMITS)[number][0]

const numberOrUndefined = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s))

/** Create or edit a bot: strategy, market, params (a form from the strategy's specs), limits. */
export function BotForm({ bot }: { bot?: Bot }): JSX.Element {
  const client = useClient()
  const strategies = useBotsStore((s) => s.strategies)
  const save = useBotsStore((s) => s.save)
  const close = useBotsStore((s) => s.edit)
  const usable = strategies.filter((s) => !s.error || s.id === bot?.strategy)
  const [strategy, setStrategy] = useState(bot?.strategy ?? usable[0]?.id ?? '')
  const info = strategies.find((s) => s.id === strategy)
  const [name, setName] = useState(bot?.name ?? '')
  const [symbol, setSymbol] = useState(bot?.symbol ?? 'BTC/USDT')
  const [timeframe, setTimeframe] = useState<string>(bot?.timeframe ?? info?.timeframe ?? '1m')
  const [quote, setQuote] = useState(String(bot ? (Object.values(bot.balances)[0] ?? 10_000) : 10_000))
  const [budget, setBudget] = useState(String(bot?.budgetMs ?? 1000))
  const [limits, setLimits] = useState<Record<LimitName, string>>(() =>
    Object.fromEntries(LIMITS.map(([k]) => [k, bot?.protections[k] === undefined ? '' : String(bot.protections[k])])) as Record<LimitName, string>
  )
  const initial = useMemo(() => paramDraft(info?.params ?? {}, bot?.strategy === strategy ? bot.params : {}), [info, bot, strategy])
  const [draft, setDraft] = useState<ParamDraft | null>(null)
  const params = draft ?? initial

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    // Editing, an emptied limit is sent as null: cleared (or back to its default), not kept.
    const protections = Object.fromEntries(LIMITS.map(([k]) => [k, numberOrUndefined(limits[k]) ?? (bot ? null : undefined)]).filter(([, v]) => v !== undefined))
    const common = { name: name.trim() || info?.name || 'bot', strategy, symbol, timeframe: timeframe as Timeframe, params: paramValues(info?.params ?? {}, params), budgetMs: Number(budget), protections }
    const ok = bot ? await save(client, { id: bot.id, ...common }) : await save(client, { ...common, balances: { [symbol.split('/')[1] ?? 'USDT']: Number(quote) } })
    if (ok) setDraft(null)
  }

  return (
    <form className="bot-form" aria-label={bot ? `Edit bot ${bot.name}` : 'New bot'} onSubmit={(e) => void submit(e)}>
      <div className="bot-form-grid">
        <div className="field">
          <label htmlFor="bot-name">Name</label>
          <input id="bot-name" value={name} placeholder={info?.name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="bot-strategy">Strategy</label>
          <select
            id="bot-strategy"
            value={strategy}
            onChange={(e) => {
              setStrategy(e.target.value)
              setDraft(null)
            }}
          >
            {usable.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.source === 'builtin' ? 'built-in' : s.id.slice(5)})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="bot-symbol">Symbol</label>
          <input id="bot-symbol" value={symbol} onChange={(e) => setSymbol(e.target.value.toUpperCase())} />
        </div>
        <div className="field">
          <label htmlFor="bot-timeframe">Timeframe</label>
          <select id="bot-timeframe" value={timeframe} onChange={(e) => setTimeframe(e.target.value)}>
            {Timeframe.options.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </div>
        {!bot && (
          <div className="field">
            <label htmlFor="bot-quote">Starting {symbol.split('/')[1] ?? 'quote'}</label>
            <input id="bot-quote" type="number" min={0} value={quote} onChange={(e) => setQuote(e.target.value)} />
          </div>
        )}
        <div className="field">
          <label htmlFor="bot-budget">Budget per call (ms)</label>
          <input id="bot-budget" type="number" min={10} max={60000} value={budget} onChange={(e) => setBudget(e.target.value)} />
        </div>
      </div>
      {info?.description && <p className="dim">{info.description}</p>}
      <fieldset>
        <legend>Parameters</legend>
        <ParamFields specs={info?.params ?? {}} draft={params} onChange={setDraft} />
      </fieldset>
      <fieldset>
        <legend>Protections (enforced by execution)</legend>
        <div className="bot-form-grid">
          {LIMITS.map(([key, label]) => (
            <div className="field" key={key}>
              <label htmlFor={`bot-limit-${key}`}>{label}</label>
              <input id={`bot-limit-${key}`} type="number" min={0} placeholder="default" value={limits[key]} onChange={(e) => setLimits({ ...limits, [key]: e.target.value })} />
            </div>
          ))}
        </div>
      </fieldset>
      <div className="bot-form-actions">
        <button type="submit" className="primary" disabled={!strategy}>
          {bot ? 'Save (restarts a running bot)' : 'Create bot'}
        </button>
        <button type="button" onClick={() => close(null)}>
          Cancel
        </button>
      </div>
    </form>
  )
}
