import { watch, type FSWatcher } from 'node:fs'
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { ParamSpecSchema, type StrategyInfo } from '../../shared/bots'
import { KeelError } from '../../shared/errors'
import type { Timeframe } from '../../shared/market-data'
import { BotFailure, BotThread } from './bot-thread'
import { BUILTIN_STRATEGIES } from './builtins'
import { compileStrategyAsync, sha256, type CompiledStrategy } from './compile'
import type { ParamSpecs } from './contract'
import { StrategyLoadError } from './load-error'
import type { StrategyCode, StrategyMeta, ThreadError } from './thread-protocol'

/**
 * The strategies a bot can run: the built-ins, and the `.ts`/`.js` files of the strategies
 * folder, each compiled and then loaded once in a throw-away bot thread (its top-level code
 * is user code: it may loop) to learn its name and params. The folder is watched; a version
 * that compiles and loads is offered to the bots running that file (they switch at their next
 * candle), a version that does not is shown with its error while the last good one runs on.
 */

export interface CatalogOptions {
  folder: string
  threadEntry: string
  /** A new good version of a file strategy. */
  onVersion(strategy: string, compiled: CompiledStrategy): void
  /** A file's version on disk fails (compile, load) or recovered: listStrategies changed. */
  onChange?(strategy: string): void
  debounceMs?: number
  probeBudgetMs?: number
}

interface FileEntry {
  file: string
  /** Hash of the text last looked at (good or bad). */
  seen?: string
  good?: { compiled: CompiledStrategy; meta: StrategyMeta }
  error?: { message: string; location?: ThreadError['location'] }
}

const STRATEGY_FILE = /^[A-Za-z0-9_.-]{1,128}\.(ts|js)$/
const Specs = z.record(z.string(), ParamSpecSchema)

export const fileStrategyId = (name: string): string => `file:${name}`

export class StrategyCatalog {
  private readonly files = new Map<string, FileEntry>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private readonly refreshing = new Map<string, Promise<void>>()
  private watcher: FSWatcher | undefined

  constructor(private readonly options: CatalogOptions) {}

  get folder(): string {
    return this.options.folder
  }

  async start(): Promise<void> {
    await mkdir(this.options.folder, { recursive: true })
    for (const name of await this.fileNames()) await this.refresh(name)
    this.watcher = watch(this.options.folder, (_event, name) => {
      if (typeof name === 'string' && isStrategyFile(name)) this.soon(name)
    })
    this.watcher.on('error', () => undefined) // the folder vanished: listStrategies still answers from memory
  }

  stop(): void {
    this.watcher?.close()
    for (const timer of this.timers.values()) clearTimeout(timer)
  }

  list(): StrategyInfo[] {
    const builtins: StrategyInfo[] = Object.entries(BUILTIN_STRATEGIES).map(([id, def]) => ({
      id: `builtin:${id}`,
      name: def.name,
      description: def.description,
      timeframe: def.timeframe,
      params: Specs.parse(def.params ?? {}),
      source: 'builtin'
    }))
    const files: StrategyInfo[] = [...this.files.entries()]
      .filter(([, entry]) => entry.good || entry.error) // still loading for the first time
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, entry]) => ({
        id: fileStrategyId(name),
        name: entry.good?.meta.name ?? name,
        description: entry.good?.meta.description,
        timeframe: entry.good?.meta.timeframe,
        params: this.specsOf(entry),
        source: 'file',
        file: entry.file,
        ...(entry.error ? { error: entry.error } : {})
      }))
    return [...builtins, ...files]
  }

  /** Waits for a look at the file that is under way (a save just before createBot). */
  async settle(strategy: string): Promise<void> {
    if (strategy.startsWith('file:')) await this.refreshing.get(strategy.slice('file:'.length))
  }

  /** What a bot of this strategy runs now, with its param specs; a 4xx when there is none. */
  resolve(strategy: string): { code: StrategyCode; params: ParamSpecs; timeframe?: Timeframe; name: string; warmup?: number } {
    if (strategy.startsWith('builtin:')) {
      const id = strategy.slice('builtin:'.length)
      const def = Object.hasOwn(BUILTIN_STRATEGIES, id) ? BUILTIN_STRATEGIES[id] : undefined
      if (!def) throw new KeelError('not_found', `no built-in strategy ${id} (see listStrategies)`)
      return { code: { kind: 'builtin', id }, params: def.params ?? {}, timeframe: def.timeframe, name: def.name, warmup: def.warmup }
    }
    const name = strategy.slice('file:'.length)
    const entry = this.files.get(name)
    if (!entry) throw new KeelError('not_found', `no strategy file ${name} in ${this.options.folder}`)
    if (!entry.good) throw new KeelError('bad_request', `${name} does not load: ${entry.error?.message ?? 'unknown error'}`)
    const { meta } = entry.good
    return { code: { kind: 'file', compiled: entry.good.compiled }, params: this.specsOf(entry) as ParamSpecs, timeframe: meta.timeframe, name: meta.name, warmup: meta.warmup }
  }

  /** Why the file's version on disk does not load, if it does not. */
  errorOf(strategy: string): FileEntry['error'] {
    return strategy.startsWith('file:') ? this.files.get(strategy.slice('file:'.length))?.error : undefined
  }

  /** A version that loaded but failed as a bot's first call: shown like a load error. */
  markFailed(strategy: string, hash: string, error: ThreadError): void {
    const entry = this.files.get(strategy.slice('file:'.length))
    if (!entry || entry.seen !== hash) return
    entry.error = { message: `fails in its first call: ${error.message}`, location: error.location }
    this.options.onChange?.(strategy)
  }

  private specsOf(entry: FileEntry): StrategyInfo['params'] {
    const parsed = Specs.safeParse(entry.good?.meta.params ?? {})
    return parsed.success ? parsed.data : {}
  }

  private async fileNames(): Promise<string[]> {
    return (await readdir(this.options.folder)).filter(isStrategyFile)
  }

  private soon(name: string): void {
    clearTimeout(this.timers.get(name))
    this.timers.set(
      name,
      setTimeout(() => {
        this.timers.delete(name)
        void this.refresh(name)
      }, this.options.debounceMs ?? 150)
    )
  }

  /** One refresh per file at a time; a save during one is looked at after it. */
  private refresh(name: string): Promise<void> {
    const previous = this.refreshing.get(name) ?? Promise.resolve()
    const next = previous.then(() => this.look(name)).catch(() => undefined)
    this.refreshing.set(name, next)
    return next
  }

  private async look(name: string): Promise<void> {
    const file = join(this.options.folder, name)
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch {
      if (this.files.delete(name)) this.options.onChange?.(fileStrategyId(name)) // deleted: running bots keep their version
      return
    }
    const entry = this.files.get(name) ?? { file }
    this.files.set(name, entry)
    const hash = sha256(text)
    if (entry.seen === hash) return
    entry.seen = hash
    const id = fileStrategyId(name)
    try {
      const compiled = await compileStrategyAsync(text, file)
      const meta = await this.probe(compiled)
      entry.good = { compiled, meta }
      delete entry.error
      this.options.onVersion(id, compiled)
    } catch (err) {
      entry.error =
        err instanceof StrategyLoadError
          ? { message: err.message, location: err.location }
          : err instanceof BotFailure
            ? { message: err.error.message, location: err.error.location }
            : { message: String(err) }
    }
    this.options.onChange?.(id)
  }

  private async probe(compiled: CompiledStrategy): Promise<StrategyMeta> {
    const thread = new BotThread({
      entry: this.options.threadEntry,
      budgetMs: this.options.probeBudgetMs ?? 2_000,
      memoryMb: 128,
      onOrder: () => Promise.reject(new KeelError('rejected', 'no orders while loading')),
      onCancel: () => Promise.reject(new KeelError('rejected', 'no orders while loading')),
      onLog: () => undefined,
      onFault: () => undefined
    })
    try {
      const empty = { position: { symbol: '', amount: 0, avgEntry: 0, realizedPnl: 0, unrealizedPnl: 0 }, balances: [], openOrders: [] }
      const started = await thread.start({ code: { kind: 'file', compiled }, symbol: 'BTC/USDT', timeframe: '1m', params: {}, state: {}, candles: [], snapshot: empty, run: false, now: 0 })
      return started.meta
    } finally {
      void thread.terminate()
    }
  }
}

function isStrategyFile(name: string): boolean {
  return STRATEGY_FILE.test(name) && !name.endsWith('.d.ts')
}
