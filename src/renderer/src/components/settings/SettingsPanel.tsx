import { useEffect, useState, type JSX, type ReactNode } from 'react'
import type { Settings } from '../../../../shared/settings'
import { useClient } from '../../client-context'
import { useDistStore } from '../../stores/dist'
import { updateSummary } from '../update/UpdateBanner'

type Section<K extends keyof Settings> = Settings[K]

function Field({ label, children, hint }: { label: string; children: ReactNode; hint?: string }): JSX.Element {
  return (
    <label className="settings-field">
      <span>{label}</span>
      {children}
      {hint && <small>{hint}</small>}
    </label>
  )
}

function NumberInput({ value, onChange, step }: { value: number; onChange(v: number): void; step?: number }): JSX.Element {
  // An empty or partial entry stays NaN, which the server refuses with a reason.
  return <input type="number" value={Number.isNaN(value) ? '' : value} step={step ?? 'any'} onChange={(e) => onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))} />
}

const NOTIFY_LABELS: Record<keyof Section<'notifications'>, string> = {
  fills: 'Fills',
  staleFeed: 'Stale market data',
  workerCrash: 'Worker crashes',
  workerFailed: 'Worker failures',
  updates: 'Updates ready'
}

/** Settings as a form: edits stay local until Save, which the host validates as a whole. */
export function SettingsPanel({ onClose }: { onClose(): void }): JSX.Element {
  const client = useClient()
  const { settings: view, saveError, saving, diagnostics, save, exportDiagnostics, openDataDir, update, checkForUpdates } = useDistStore()
  const [draft, setDraft] = useState<Settings | null>(view?.settings ?? null)
  const [symbols, setSymbols] = useState((view?.settings.exchange.symbols ?? []).join(', '))
  useEffect(() => {
    if (view && !draft) {
      setDraft(view.settings)
      setSymbols(view.settings.exchange.symbols.join(', '))
    }
  }, [view, draft])
  if (!view || !draft) return <p className="settings-loading">Loading settings…</p>

  const edit = <K extends keyof Settings>(key: K, change: Partial<Section<K>>): void =>
    setDraft({ ...draft, [key]: typeof draft[key] === 'object' ? { ...(draft[key] as object), ...change } : change })

  const submit = async (): Promise<void> => {
    const list = symbols.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean)
    if (await save(client, { ...draft, exchange: { ...draft.exchange, symbols: list } })) onClose()
  }

  return (
    <form
      className="settings-form"
      aria-label="Settings"
      onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}
    >
      {view.loadError && <p className="settings-error" role="alert">{view.loadError}</p>}
      <fieldset>
        <legend>Exchange</legend>
        <Field label="Exchange" hint="demo is the offline market; otherwise a ccxt id such as binance">
          <input value={draft.exchange.id} onChange={(e) => edit('exchange', { id: e.target.value })} />
        </Field>
        <Field label="Symbols" hint="comma-separated, e.g. BTC/USDT, ETH/USDT">
          <input value={symbols} onChange={(e) => setSymbols(e.target.value)} />
        </Field>
      </fieldset>
      <fieldset>
        <legend>Risk limits</legend>
        <Field label="Max order notional">
          <NumberInput value={draft.risk.maxOrderNotional} onChange={(v) => edit('risk', { maxOrderNotional: v })} />
        </Field>
        <Field label="Max position notional">
          <NumberInput value={draft.risk.maxPositionNotional} onChange={(v) => edit('risk', { maxPositionNotional: v })} />
        </Field>
        <Field label="Max daily loss">
          <NumberInput value={draft.risk.maxDailyLoss} onChange={(v) => edit('risk', { maxDailyLoss: v })} />
        </Field>
        <Field label="Max open orders">
          <NumberInput step={1} value={draft.risk.maxOpenOrders} onChange={(v) => edit('risk', { maxOpenOrders: v })} />
        </Field>
      </fieldset>
      <fieldset>
        <legend>Notifications</legend>
        {(Object.keys(NOTIFY_LABELS) as (keyof Section<'notifications'>)[]).map((kind) => (
          <label key={kind} className="settings-check">
            <input type="checkbox" checked={draft.notifications[kind]} onChange={(e) => edit('notifications', { [kind]: e.target.checked })} />
            {NOTIFY_LABELS[kind]}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Updates and start-up</legend>
        {update && (
          <p className="settings-update" role="group" aria-label="Keel version and updates">
            Keel {update.currentVersion} · {updateSummary(update)}{' '}
            {update.state !== 'disabled' && update.state !== 'ready' && (
              <button type="button" disabled={update.state === 'checking' || update.state === 'downloading'} onClick={() => void checkForUpdates(client)}>
                {update.state === 'checking' ? 'Checking…' : 'Check for updates'}
              </button>
            )}
          </p>
        )}
        <Field label="Update channel" hint="beta also installs prereleases">
          <select value={draft.updates.channel} onChange={(e) => edit('updates', { channel: e.target.value as Settings['updates']['channel'] })}>
            <option value="stable">stable</option>
            <option value="beta">beta</option>
          </select>
        </Field>
        <label className="settings-check">
          <input type="checkbox" checked={draft.openAtLogin} onChange={(e) => setDraft({ ...draft, openAtLogin: e.target.checked })} />
          Open at login (starts in the tray)
        </label>
      </fieldset>
      <fieldset>
        <legend>LLM provider</legend>
        <label className="settings-check">
          <input type="checkbox" checked={draft.llm.enabled} onChange={(e) => edit('llm', { enabled: e.target.checked })} />
          Use an LLM (off by default)
        </label>
        <Field label="Base URL" hint="OpenAI-compatible endpoint; the API key is never stored in settings">
          <input value={draft.llm.baseUrl} onChange={(e) => edit('llm', { baseUrl: e.target.value })} />
        </Field>
        <Field label="Model">
          <input value={draft.llm.model} onChange={(e) => edit('llm', { model: e.target.value })} />
        </Field>
        <Field label="Input price (USD / M tokens)">
          <NumberInput value={draft.llm.inputPricePerMTok} onChange={(v) => edit('llm', { inputPricePerMTok: v })} />
        </Field>
        <Field label="Output price (USD / M tokens)">
          <NumberInput value={draft.llm.outputPricePerMTok} onChange={(v) => edit('llm', { outputPricePerMTok: v })} />
        </Field>
        <Field label="Monthly budget (USD)">
          <NumberInput value={draft.llm.monthlyBudgetUsd} onChange={(v) => edit('llm', { monthlyBudgetUsd: v })} />
        </Field>
      </fieldset>
      <fieldset>
        <legend>Logs</legend>
        <Field label="Format" hint="applies at the next start">
          <select value={draft.logs.format} onChange={(e) => edit('logs', { format: e.target.value as Settings['logs']['format'] })}>
            <option value="text">text</option>
            <option value="json">JSON lines</option>
          </select>
        </Field>
        <Field label="Rotate at (MB)">
          <NumberInput step={1} value={draft.logs.maxSizeMb} onChange={(v) => edit('logs', { maxSizeMb: v })} />
        </Field>
        <Field label="Archives kept">
          <NumberInput step={1} value={draft.logs.maxFiles} onChange={(v) => edit('logs', { maxFiles: v })} />
        </Field>
      </fieldset>
      <fieldset>
        <legend>Data and diagnostics</legend>
        <p className="settings-path" aria-label="Data folder">{view.dataDir}</p>
        <div className="settings-actions">
          {view.canOpenDataDir && (
            <button type="button" onClick={() => void openDataDir(client)}>
              Open folder
            </button>
          )}
          <button type="button" onClick={() => void exportDiagnostics(client)}>
            Export diagnostics
          </button>
        </div>
        {diagnostics && (
          <p className="settings-path" role="status">
            Saved {diagnostics.files.length} files ({Math.ceil(diagnostics.bytes / 1024)} KB) to {diagnostics.path}
          </p>
        )}
      </fieldset>
      {saveError && (
        <p className="settings-error" role="alert">
          {saveError}
        </p>
      )}
      <div className="settings-actions end">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  )
}

/** The settings form in a modal dialog, open while the store says so. */
export function SettingsDialog(): JSX.Element | null {
  const open = useDistStore((s) => s.settingsOpen)
  const openSettings = useDistStore((s) => s.openSettings)
  useEffect(() => {
    if (!open) return
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') openSettings(false)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [open, openSettings])
  if (!open) return null
  return (
    <div className="settings-backdrop" onClick={(e) => e.target === e.currentTarget && openSettings(false)}>
      <div className="settings-dialog panel" role="dialog" aria-modal="true" aria-label="Keel settings">
        <h2>Settings</h2>
        <SettingsPanel onClose={() => openSettings(false)} />
      </div>
    </div>
  )
}

/** The header's Settings button; the dialog renders beside it. */
export function SettingsButton(): JSX.Element {
  const openSettings = useDistStore((s) => s.openSettings)
  return (
    <>
      <button type="button" aria-label="Settings" title="Settings" onClick={() => openSettings(true)}>
        ⚙
      </button>
      <SettingsDialog />
    </>
  )
}
