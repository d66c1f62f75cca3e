import { create } from 'zustand'
import type { KeelClient, ParamsOf } from '../../../shared/api'
import type { Bot, BotLogEntry, StrategyInfo } from '../../../shared/bots'
import { messageOf } from '../lib/errors'

/** Bots, the strategies they can run, and each bot's recent log, live from the strategy worker. */

const LOG_KEEP = 300

interface BotsState {
  bots: Record<string, Bot>
  strategies: StrategyInfo[]
  folder: string
  logs: Record<string, BotLogEntry[]>
  selected: string | null
  /** The editor: null closed, 'new', or the id of the bot being edited. */
  editing: string | null
  killSwitch: boolean
  /** The host can open folders in the OS file manager (the desktop app); a browser shows the path. */
  canOpenFolder: boolean
  error: string | null
  busy: Record<string, boolean>
  select(id: string | null): void
  edit(id: string | null): void
  setError(error: string | null): void
  upsert(bot: Bot): void
  remove(id: string): void
  appendLog(entry: BotLogEntry): void
  refresh(client: KeelClient): Promise<void>
  loadLog(client: KeelClient, id: string): Promise<void>
  run(client: KeelClient, id: string, action: 'startBot' | 'stopBot' | 'deleteBot'): Promise<void>
  save(client: KeelClient, params: ParamsOf<'createBot'> | ParamsOf<'updateBot'>): Promise<boolean>
  setKillSwitch(client: KeelClient, engaged: boolean): Promise<void>
  openFolder(client: KeelClient): Promise<void>
}

export const useBotsStore = create<BotsState>((set, get) => ({
  bots: {},
  strategies: [],
  folder: '',
  logs: {},
  selected: null,
  editing: null,
  killSwitch: false,
  canOpenFolder: false,
  error: null,
  busy: {},
  select: (selected) => set({ selected }),
  edit: (editing) => set({ editing, error: null }),
  setError: (error) => set({ error }),
  // A pushed change carries no PnL (that needs execution): keep the last one known.
  upsert: (bot) => set((s) => ({ bots: { ...s.bots, [bot.id]: bot.pnl === null && s.bots[bot.id] ? { ...bot, pnl: s.bots[bot.id]!.pnl } : bot } })),
  remove: (id) =>
    set((s) => {
      const { [id]: _gone, ...bots } = s.bots
      return { bots, selected: s.selected === id ? null : s.selected }
    }),
  appendLog: (entry) =>
    set((s) => {
      const current = s.logs[entry.botId]
      if (!current) return {} // loaded on selection; until then nothing to keep
      return { logs: { ...s.logs, [entry.botId]: [entry, ...current].slice(0, LOG_KEEP) } }
    }),
  refresh: async (client) => {
    try {
      const [list, strategies, protections, settings] = await Promise.all([
        client.call('listBots', {}),
        client.call('listStrategies', {}),
        client.call('protections', {}),
        client.call('getSettings', {})
      ])
      set({
        bots: Object.fromEntries(list.map((b) => [b.id, b])),
        strategies: strategies.strategies,
        folder: strategies.folder,
        killSwitch: protections.killSwitch,
        canOpenFolder: settings.canOpenDataDir,
        error: null
      })
    } catch (err) {
      set({ error: messageOf(err) })
    }
  },
  loadLog: async (client, id) => {
    try {
      const { entries } = await client.call('botLog', { id, limit: LOG_KEEP })
      set((s) => ({ logs: { ...s.logs, [id]: entries } }))
    } catch (err) {
      set({ error: messageOf(err) })
    }
  },
  run: async (client, id, action) => {
    set((s) => ({ busy: { ...s.busy, [id]: true } }))
    try {
      if (action === 'deleteBot') {
        await client.call('deleteBot', { id })
        get().remove(id)
      } else {
        get().upsert(await client.call(action, { id }))
      }
    } catch (err) {
      set({ error: messageOf(err) })
    } finally {
      set((s) => ({ busy: { ...s.busy, [id]: false } }))
    }
  },
  save: async (client, params) => {
    try {
      const bot = 'id' in params ? await client.call('updateBot', params) : await client.call('createBot', params)
      get().upsert(bot)
      set({ editing: null, selected: bot.id, error: null })
      return true
    } catch (err) {
      set({ error: messageOf(err) })
      return false
    }
  },
  openFolder: async (client) => {
    try {
      await client.call('openStrategiesFolder', {})
    } catch (err) {
      set({ error: messageOf(err) })
    }
  },
  setKillSwitch: async (client, engaged) => {
    try {
      await client.call('killSwitch', { engaged })
      set({ killSwitch: engaged })
      await get().refresh(client)
    } catch (err) {
      set({ error: messageOf(err) })
    }
  }
}))

/** Keeps the store live while the panel is shown: one fetch, then every pushed change. */
export function bindBots(client: KeelClient): () => void {
  const store = useBotsStore.getState()
  void store.refresh(client)
  const off = [
    client.on('botChanged', (e) => (e.bot ? useBotsStore.getState().upsert(e.bot) : useBotsStore.getState().remove(e.id))),
    client.on('botLog', (entry) => useBotsStore.getState().appendLog(entry)),
    client.on('killSwitchChanged', (e) => useBotsStore.setState({ killSwitch: e.engaged }))
  ]
  // Strategy files come and go without an event: look again now and then.
  const timer = setInterval(() => void client.call('listStrategies', {}).then((r) => useBotsStore.setState({ strategies: r.strategies, folder: r.folder }), () => undefined), 5_000)
  return () => {
    off.forEach((f) => f())
    clearInterval(timer)
  }
}
