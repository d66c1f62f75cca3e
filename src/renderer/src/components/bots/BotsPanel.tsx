import { useEffect, useMemo, useState, type JSX } from 'react'
import type { Bot, BotState } from '../../../../shared/bots'
import { useClient } from '../../client-context'
import { formatSigned } from '../../lib/format'
import { bindBots, useBotsStore } from '../../stores/bots'
import { useChartAccountStore } from '../../stores/chart-account'
import { usePrefsStore } from '../../stores/prefs'
import { DataTable, type Column } from '../orders/DataTable'
import { BotForm } from './BotForm'
import { BotLog } from './BotLog'
import './bots.css'

/** The price chart switches to the bot's market and marks its account's trades. */
function showOnChart(bot: Bot): void {
  const prefs = usePrefsStore.getState()
  prefs.setSymbol(bot.symbol)
  prefs.setTimeframe(bot.timeframe)
  useChartAccountStore.getState().setAccount(bot.account)
}

const STATE_CLASS: Record<BotState, string> = { running: 'ok', stopped: '', paused: 'warn', errored: 'bad', quarantined: 'bad' }

function where(bot: Bot): string {
  const at = bot.lastError?.location
  return at ? ` (${at.file.split('/').at(-1)}:${at.line}:${at.column})` : ''
}

function Actions({ bot }: { bot: Bot }): JSX.Element {
  const client = useClient()
  const run = useBotsStore((s) => s.run)
  const edit = useBotsStore((s) => s.edit)
  const select = useBotsStore((s) => s.select)
  const busy = useBotsStore((s) => s.busy[bot.id] ?? false)
  const running = bot.state === 'running'
  return (
    <span className="bot-actions">
      <button type="button" disabled={busy} aria-label={`${running ? 'Stop' : 'Start'} bot ${bot.name}`} onClick={() => void run(client, bot.id, running ? 'stopBot' : 'startBot')}>
        {running ? 'Stop' : 'Start'}
      </button>
      <button type="button" aria-label={`Log of bot ${bot.name}`} onClick={() => select(bot.id)}>
        Log
      </button>
      <button type="button" aria-label={`Show bot ${bot.name} on chart`} title="Mark this bot's trades on the price chart" onClick={() => showOnChart(bot)}>
        Chart
      </button>
      <button type="button" disabled={busy} aria-label={`Edit bot ${bot.name}`} onClick={() => edit(bot.id)}>
        Edit
      </button>
      <button
        type="button"
        className="danger-outline"
        disabled={busy}
        aria-label={`Delete bot ${bot.name}`}
        onClick={() => {
          if (window.confirm(`Delete bot ${bot.name}? Its open orders are cancelled; its orders stay in history.`)) void run(client, bot.id, 'deleteBot')
        }}
      >
        Delete
      </button>
    </span>
  )
}

const columns: Column<Bot>[] = [
  { header: 'Bot', cell: (b) => b.name },
  { header: 'Strategy', cell: (b) => b.strategyName },
  { header: 'Market', cell: (b) => `${b.symbol} ${b.timeframe}` },
  { header: 'State', id: 'state', cell: (b) => <span className={`badge ${STATE_CLASS[b.state]}`}>{b.state}</span> },
  { header: 'PnL', num: true, cell: (b) => (b.pnl === null ? '—' : <span className={b.pnl > 0 ? 'up' : b.pnl < 0 ? 'down' : undefined}>{formatSigned(b.pnl)}</span>) },
  { header: 'Orders', num: true, cell: (b) => b.orders },
  { header: 'Fills', num: true, cell: (b) => b.fills },
  { header: 'Last error', id: 'error', cell: (b) => (b.lastError ? <span className="danger-text" title={b.lastError.stack ?? b.lastError.message}>{b.lastError.message}{where(b)}</span> : '') },
  { header: 'Actions', cell: (b) => <Actions bot={b} /> }
]

function StrategyErrors(): JSX.Element | null {
  const strategies = useBotsStore((s) => s.strategies)
  const broken = useMemo(() => strategies.filter((x) => x.error), [strategies])
  if (broken.length === 0) return null
  return (
    <ul className="bot-strategy-errors" aria-label="Strategy files that do not load">
      {broken.map((s) => (
        <li key={s.id} className="danger-text">
          {s.error!.location ? `${s.id.slice(5)}:${s.error!.location.line}:${s.error!.location.column}` : s.id.slice(5)} — {s.error!.message}
        </li>
      ))}
    </ul>
  )
}

function KillSwitch(): JSX.Element {
  const client = useClient()
  const engaged = useBotsStore((s) => s.killSwitch)
  const set = useBotsStore((s) => s.setKillSwitch)
  return engaged ? (
    <button type="button" className="danger-outline" aria-label="Release the kill switch" onClick={() => void set(client, false)}>
      Kill switch ON — release
    </button>
  ) : (
    <button
      type="button"
      className="danger-outline"
      aria-label="Engage the kill switch"
      onClick={() => {
        if (window.confirm('Halt every bot and cancel their open orders?')) void set(client, true)
      }}
    >
      Kill switch
    </button>
  )
}

/** Where strategy files go: opened in the file manager by the desktop app, shown with a copy button in a browser. */
function StrategiesFolder(): JSX.Element | null {
  const client = useClient()
  const folder = useBotsStore((s) => s.folder)
  const canOpen = useBotsStore((s) => s.canOpenFolder)
  const openFolder = useBotsStore((s) => s.openFolder)
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null)
  if (!folder) return null
  const copy = () =>
    // The clipboard needs a secure context and the page's focus; say so when it refuses.
    void (navigator.clipboard?.writeText(folder) ?? Promise.reject(new Error('no clipboard'))).then(
      () => setCopied('copied'),
      () => setCopied('failed')
    )
  return (
    <span className="dim bots-folder" title="Drop .ts or .js strategy files here; they load (and reload on save) on their own">
      {canOpen && (
        <button type="button" onClick={() => void openFolder(client)}>
          Open strategies folder
        </button>
      )}{' '}
      Strategies folder: <code aria-label="Strategies folder path">{folder}</code>{' '}
      <button type="button" className="link" aria-label="Copy the strategies folder path" onClick={copy}>
        copy
      </button>
      {copied && (
        <span role="status" className={copied === 'failed' ? 'danger-text' : undefined}>
          {copied === 'copied' ? ' copied' : ' copy refused: select the path above'}
        </span>
      )}
    </span>
  )
}

/** The Bots tab: every bot with its state, PnL, trades and last error; create, edit, start, stop, log. */
export function BotsPanel(): JSX.Element {
  const client = useClient()
  useEffect(() => bindBots(client), [client])
  const bots = useBotsStore((s) => s.bots)
  const selected = useBotsStore((s) => s.selected)
  const editing = useBotsStore((s) => s.editing)
  const error = useBotsStore((s) => s.error)
  const edit = useBotsStore((s) => s.edit)
  const rows = useMemo(() => Object.values(bots).sort((a, b) => a.createdAt - b.createdAt), [bots])
  const current = selected ? bots[selected] : undefined
  return (
    <div className="bots-panel">
      <div className="bots-toolbar">
        <button type="button" className="primary" onClick={() => edit('new')}>
          New bot
        </button>
        <KillSwitch />
        <StrategiesFolder />
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <StrategyErrors />
      {editing && <BotForm key={editing} bot={editing === 'new' ? undefined : bots[editing]} />}
      <DataTable label="Bots" rows={rows} columns={columns} rowKey={(b) => b.id} rowLabel={(b) => `Bot ${b.name}`} empty="No bots yet: create one, or drop a strategy file into the folder above." />
      {current && (
        <section className="bot-detail" aria-label={`Bot ${current.name}`}>
          <h3>
            {current.name} <span className="dim">· account {current.account} · {current.restarts} restarts</span>
          </h3>
          <BotLog id={current.id} />
        </section>
      )}
    </div>
  )
}
