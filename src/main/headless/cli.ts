import log from 'electron-log/node'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { version } from '../../../package.json'
import { AppCore } from '../app-core'
import { preparePrivateDataDir } from '../data-dir'
import { parseCli, USAGE, type ServeOptions } from './cli-args'
import { headlessDist } from './dist-serve'
import { backtestCli } from './backtest-cli'
import { replayCli } from './replay-cli'
import { ForkSpawner } from './fork-spawner'
import { HttpBridge } from './http-bridge'
import { chooseToken } from './token-source'
import { DEFAULT_RESTART_POLICY } from '../supervisor/restart-policy'
import type { SupervisorOptions } from '../supervisor/supervisor'

/** `keel serve`: the same app core as the desktop app, with workers as child processes. */
async function serve(options: ServeOptions): Promise<void> {
  const dataDir = resolve(options.dataDir)
  preparePrivateDataDir(dataDir)
  mkdirSync(join(dataDir, 'logs'), { recursive: true })
  const { token, source: tokenSource } = chooseToken(options, dataDir)
  log.transports.file.resolvePathFn = () => join(dataDir, 'logs', 'main.log')
  // stdout carries exactly one line (the URL); everything else goes to the log and stderr.
  log.transports.console.level = 'warn'
  log.transports.console.writeFn = ({ message }) => {
    process.stderr.write(`[keel] ${message.level}: ${message.data.map(String).join(' ')}\n`)
  }

  const dist = headlessDist({ dataDir, version, token, log, logFile: log.transports.file })
  const core = new AppCore({
    hostHandlers: dist.hostHandlers,
    settings: dist.settings,
    mode: 'headless',
    version,
    dataDir,
    workerDir: __dirname,
    spawner: new ForkSpawner(join(__dirname, 'worker-standby.js')),
    log,
    supervisor: supervisorTuning(options)
  })
  core.faults.catchUncaught()
  const bridge = new HttpBridge({
    host: options.host,
    port: options.port,
    token,
    routes: dist.routes,
    rendererDir: resolve(__dirname, '../renderer'),
    router: core.router,
    bus: core.bus,
    log,
    onFault: (where, err) => core.faults.record(where, err)
  })

  dist.attach(core, bridge)

  let stopping = false
  const stop = async (signal: string): Promise<void> => {
    if (stopping) process.exit(130) // a second Ctrl-C: leave now
    stopping = true
    log.info(`${signal}: stopping`)
    await bridge.close()
    await core.stop()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))

  const { url } = await bridge.listen()
  if (!bridge.loopbackOnly) log.warn(`listening on ${options.host}: Keel is reachable from the network (token required)`)
  log.info(`API token from ${tokenSource}; ${bridge.gate.limits.maxSockets} sockets at most, 503 past ${bridge.gate.limits.busySockets}`)
  process.stdout.write(`Keel is serving at ${url}\n`)
  await core.start()
  log.info('all workers started')
}

function supervisorTuning(options: ServeOptions): Partial<SupervisorOptions> {
  const policy = {
    ...DEFAULT_RESTART_POLICY,
    ...(options.maxRestarts !== undefined && { maxRestarts: options.maxRestarts }),
    ...(options.restartWindowMs !== undefined && { windowMs: options.restartWindowMs })
  }
  return { policy, ...(options.freezeAfterMs !== undefined && { freezeAfterMs: options.freezeAfterMs }) }
}

function main(): void {
  if (process.argv[2] === 'backtest') {
    // exitCode, not exit(): a long --json report on a pipe must be written out in full.
    return void backtestCli(process.argv.slice(3)).then((code) => (process.exitCode = code))
  }
  if (process.argv[2] === 'replay') return void replayCli(process.argv.slice(3)).then((code) => (process.exitCode = code))
  let command
  try {
    command = parseCli(process.argv.slice(2))
  } catch (err) {
    process.stderr.write(`keel: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`)
    process.exit(2)
  }
  if (command.kind === 'help') return void process.stdout.write(`${USAGE}\n`)
  if (command.kind === 'version') return void process.stdout.write(`${version}\n`)
  serve(command.options).catch((err: unknown) => {
    process.stderr.write(`keel: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  })
}

main()
