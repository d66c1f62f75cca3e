import type { ServerResponse } from 'node:http'
import { applyLogPolicy, logPolicyEnv, type FileTransportLike } from '../../core/util/log-files'
import type { AppCore } from '../app-core'
import { distHostHandlers, logPolicyOf, runtimeVersions, secretsFromEnv, staticUpdateService } from '../dist-host'
import type { Logger } from '../logger'
import { KeelMetrics } from '../metrics'
import type { HostHandlers } from '../router'
import { SettingsStore } from '../settings-store'
import { disabledUpdateStatus } from '../updater-state'

/**
 * What `keel serve` adds from the dist area: settings, diagnostics, the (disabled) updater,
 * log rotation/format for every process, and Prometheus `/metrics`. cli.ts wires it in.
 */
export function headlessDist(o: { dataDir: string; version: string; token: string; log: Logger; logFile: FileTransportLike }) {
  const settings = new SettingsStore(o.dataDir, o.log)
  const policy = logPolicyOf(settings.current)
  applyLogPolicy(o.logFile, policy, 'main')
  // Workers inherit the host's environment: the same log policy for every process.
  Object.assign(process.env, logPolicyEnv(policy))
  let metrics: KeelMetrics | undefined
  return {
    settings,
    hostHandlers: (core: AppCore): HostHandlers =>
      distHostHandlers({
        dataDir: o.dataDir,
        settings,
        updates: staticUpdateService(() => disabledUpdateStatus(o.version, settings.current.updates.channel, 'keel serve is updated by reinstalling it (npm, git or your package manager)')),
        bus: core.bus,
        health: () => core.health(),
        versions: runtimeVersions(o.version, 'headless'),
        secrets: () => [o.token, ...secretsFromEnv(process.env)]
      }),
    /** Call once the core and the bridge exist. */
    attach(core: AppCore, bridge: { clientCount: number }): void {
      const m = new KeelMetrics({ health: () => core.health(), wsClients: () => bridge.clientCount })
      metrics = m
      core.router.observer = (method, ms, code) => m.observeCall(method, ms, code)
      core.bus.subscribe((event, payload) => m.observeEvent(event, payload))
    },
    routes: {
      '/metrics': async (res: ServerResponse): Promise<void> => {
        if (!metrics) return void res.writeHead(503).end()
        const { contentType, body } = await metrics.render()
        res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' }).end(body)
      }
    }
  }
}
