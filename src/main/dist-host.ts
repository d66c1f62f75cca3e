import { strategiesFolder } from '../core/strategy/folder'
import { KeelError } from '../shared/errors'
import type { HealthReport } from '../shared/health'
import type { LogPolicy } from '../core/util/log-files'
import type { Settings, SettingsView } from '../shared/settings'
import type { UpdateStatus } from '../shared/update'
import type { EventBus } from './bus'
import { exportDiagnostics } from './diagnostics'
import type { HostHandlers } from './router'
import type { SettingsStore } from './settings-store'

/** What a host offers for updates: Electron drives electron-updater, headless reports disabled. */
export interface UpdateService {
  status(): UpdateStatus
  check(): Promise<UpdateStatus>
  install(): boolean
}

export interface DistHostOptions {
  dataDir: string
  settings: SettingsStore
  updates: UpdateService
  bus: EventBus
  health(): HealthReport
  versions: Record<string, string>
  secrets(): string[]
  /** Desktop only: opens a folder (the data folder, the strategies folder) in the OS file manager. */
  openFolder?: (path: string) => Promise<void>
}

/**
 * The host-side methods of the dist area (settings, updates, diagnostics), for both hosts.
 * Settings changes are published as `settingsChanged` to every client.
 */
export function distHostHandlers(o: DistHostOptions): HostHandlers {
  const view = (): SettingsView => ({
    settings: o.settings.current,
    dataDir: o.dataDir,
    file: o.settings.file,
    canOpenDataDir: o.openFolder !== undefined,
    loadError: o.settings.loadError
  })
  o.settings.onChange(() => o.bus.publish('settingsChanged', view()))
  return {
    updateStatus: () => o.updates.status(),
    checkForUpdates: () => o.updates.check(),
    installUpdate: () => {
      if (!o.updates.install()) throw new KeelError('rejected', `no downloaded update to install (updater is ${o.updates.status().state})`)
      return { ok: true as const }
    },
    getSettings: () => view(),
    updateSettings: (patch) => {
      o.settings.update(patch)
      return view()
    },
    openDataDir: () => openFolder(o, 'data folder', o.dataDir),
    openStrategiesFolder: () => openFolder(o, 'strategies folder', strategiesFolder(o.dataDir)),
    exportDiagnostics: () => exportDiagnostics({ dataDir: o.dataDir, health: o.health(), versions: o.versions, settings: o.settings.current, secrets: o.secrets() })
  }
}

async function openFolder(o: DistHostOptions, what: string, path: string): Promise<{ ok: true }> {
  if (!o.openFolder) throw new KeelError('rejected', `opening folders works in the desktop app only; the ${what} is ${path}`)
  await o.openFolder(path)
  return { ok: true }
}

/** Environment variables whose values are secrets wherever they show up (keys for exchanges and LLMs). */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => value && /KEY|SECRET|TOKEN|PASSWORD|PASSPHRASE/i.test(name))
    .map(([, value]) => value!)
}

/** Updates in `keel serve`: a server install is updated by its package manager or git, not in-app. */
export function staticUpdateService(status: () => UpdateStatus): UpdateService {
  return { status, check: async () => status(), install: () => false }
}

/** Versions for diagnostics and the UI: Keel and the runtimes under it. */
export function runtimeVersions(keel: string, mode: string): Record<string, string> {
  const v = process.versions as Record<string, string | undefined>
  const out: Record<string, string> = { keel, mode, node: process.version, platform: process.platform, arch: process.arch }
  for (const key of ['electron', 'chrome', 'v8', 'uv', 'openssl'] as const) if (v[key]) out[key] = v[key]
  return out
}

/** The policy every process's log follows, from the logs section of the settings. */
export function logPolicyOf(settings: Settings): LogPolicy {
  return { format: settings.logs.format, maxSizeBytes: settings.logs.maxSizeMb << 20, maxFiles: settings.logs.maxFiles }
}
