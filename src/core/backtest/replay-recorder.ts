import { closeSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { EngineInput, ExchangeState, OrderRecord } from '../exchange'
import type { RecorderStatus } from '../../shared/replay'
import type { ExecutorTap } from '../execution/executor'
import { RECORDING_VERSION, snapshotState, type HeadLine, type SegmentStart } from './replay-format'

/**
 * Records a paper session's input: every input the execution engine applied and the journal
 * kept, in order, as JSON lines in <data-dir>/recordings/ (format: replay-format.ts).
 *
 * Always on, with a cap: `maxBytes` in all (oldest segments deleted first), a new segment every
 * `segmentBytes` (each starts with the engine state, so any one replays alone). The order path
 * pays only a JSON.stringify per input: lines are buffered and written with one write(2) at the
 * end of the event-loop turn (after the turn's acknowledgements are sent; every batch of that
 * turn at once), or as soon as 64 KiB are waiting, into the page cache with no fsync. So a
 * recording is current by the time a client could act on an ack, a clean stop writes
 * everything, and a SIGKILL loses at most the lines of the turn it interrupted (only a machine
 * crash loses more); the journal, not the recording, is the source of truth. A failing write
 * (disk full, read-only, removed folder) stops the recording, never order handling: it is
 * logged once and `status` says why.
 */

export interface RecorderOptions {
  dir: string
  /** All segments together stay under this; 0 turns recording off. */
  maxBytes: number
  segmentBytes: number
  log: (message: string) => void
  now?: () => number
  pid?: number
}


export const DEFAULT_RECORDING_MB = 256

/** Recorder options from the environment: KEEL_RECORDING_MB (default 256; 0 = off). */
export function recorderOptionsFromEnv(dataDir: string, log: (message: string) => void, env = process.env): RecorderOptions {
  const mb = Number(env.KEEL_RECORDING_MB ?? DEFAULT_RECORDING_MB)
  const maxBytes = Number.isFinite(mb) && mb > 0 ? mb * 1024 * 1024 : 0
  return { dir: join(dataDir, 'recordings'), maxBytes, segmentBytes: Math.max(64 * 1024, Math.floor(maxBytes / 8)), log }
}

/** How long after a failed write the recorder tries the disk again. */
const RETRY_MS = 60_000
/** Buffered lines are written at once past this many bytes (a burst does not pile up in memory). */
const FLUSH_BYTES = 64 * 1024

export const SESSION_FILE = /^session-(\d+)-(\d+)-(\d+)\.jsonl$/

export class SessionRecorder implements ExecutorTap {
  private fd: number | undefined
  private file: string | undefined
  private bytes = 0
  private segment = 0
  private stopped: string | undefined
  private readonly session: string
  private readonly now: () => number
  private readonly pid: number
  private state: ExchangeState | undefined
  private failedAt: number | undefined
  /** Lines not yet written, and their length in characters (for the 64 KiB threshold). */
  private pending: string[] = []
  private pendingChars = 0
  private flushQueued = false

  constructor(private readonly options: RecorderOptions) {
    this.now = options.now ?? Date.now
    this.pid = options.pid ?? process.pid
    this.session = `${this.now()}-${this.pid}`
    if (options.maxBytes <= 0) this.stopped = 'recording is off (KEEL_RECORDING_MB=0)'
  }

  get status(): RecorderStatus {
    const { maxBytes, segmentBytes } = this.options
    return {
      recording: this.fd !== undefined,
      ...(this.stopped !== undefined && { stopped: this.stopped }),
      ...(this.file !== undefined && { file: this.file }),
      bytes: this.bytes,
      maxBytes,
      segmentBytes
    }
  }

  began(state: ExchangeState): void {
    this.state = state
    if (this.stopped) return
    this.openSegment(this.segment === 0 ? 'start' : 'reload')
  }

  committed(entries: readonly { input: EngineInput; hydrated?: OrderRecord }[]): void {
    if (this.fd === undefined) {
      // A failed disk is tried again now and then; the new segment starts from the state now.
      if (this.failedAt === undefined || this.now() - this.failedAt < RETRY_MS) return
      this.failedAt = undefined
      this.openSegment('resume')
      if (this.fd === undefined) return
      this.options.log(`recording resumed in ${this.file}`)
      this.stopped = undefined
      return
    }
    let text = ''
    try {
      for (const { input, hydrated } of entries) {
        text += hydrated ? `{"t":"in","i":${JSON.stringify(input)},"h":${JSON.stringify(hydrated)}}\n` : `{"t":"in","i":${JSON.stringify(input)}}\n`
      }
    } catch (err) {
      return this.stop(`an input could not be written as JSON: ${String(err)}`)
    }
    this.buffer(text)
    if (this.bytes >= this.options.segmentBytes) {
      this.writeEnd('rotation')
      this.openSegment('rotation')
    }
  }

  /** Ends the current segment cleanly (graceful shutdown): every buffered line is written. */
  close(reason = 'shutdown'): void {
    if (this.fd === undefined) return
    this.writeEnd(reason)
    this.closeFile()
  }

  /** Writes the buffered lines now (the end of the event-loop turn does it by itself). */
  flush(): void {
    if (this.pending.length === 0 || this.fd === undefined) return
    const text = this.pending.length === 1 ? this.pending[0]! : this.pending.join('')
    this.pending = []
    this.pendingChars = 0
    this.write(text, true)
  }

  private openSegment(start: SegmentStart): void {
    this.closeFile()
    if (!this.state) return
    this.segment++
    const name = `session-${this.session}-${this.segment}.jsonl`
    try {
      // Private like the journal: a recording holds every order and balance.
      mkdirSync(this.options.dir, { recursive: true, mode: 0o700 })
      this.prune(this.options.maxBytes - this.options.segmentBytes)
      this.fd = openSync(join(this.options.dir, name), 'a', 0o600)
      this.file = name
      this.bytes = 0
    } catch (err) {
      return this.stop(`cannot open ${name}: ${messageOf(err)}`)
    }
    const head: HeadLine = { t: 'head', v: RECORDING_VERSION, session: this.session, startedAt: this.now(), pid: this.pid, segment: this.segment, start }
    // Written at once: a segment that cannot be written is known (and reported) when it opens.
    this.write(`${JSON.stringify(head)}\n${JSON.stringify(snapshotState(this.state))}\n`)
  }

  private writeEnd(reason: string): void {
    this.buffer(`${JSON.stringify({ t: 'end', at: this.now(), reason })}\n`)
  }

  /** Queues lines for the end of this event-loop turn; `bytes` counts them already (rotation). */
  private buffer(text: string): void {
    this.pending.push(text)
    this.pendingChars += text.length
    this.bytes += Buffer.byteLength(text)
    if (this.pendingChars >= FLUSH_BYTES) return this.flush()
    if (this.flushQueued) return
    this.flushQueued = true
    setImmediate(() => {
      this.flushQueued = false
      this.flush()
    })
  }

  /** Writes `text` now; `counted` when `bytes` already includes it (buffered lines). */
  private write(text: string, counted = false): boolean {
    if (this.fd === undefined) return false
    try {
      const buffer = Buffer.from(text)
      let off = 0
      while (off < buffer.length) off += writeSync(this.fd, buffer, off)
      if (!counted) this.bytes += buffer.length
      return true
    } catch (err) {
      this.stop(`write to ${this.file} failed: ${messageOf(err)}`)
      return false
    }
  }

  /** Deletes the oldest segments (called while none is open) until the rest fit in `budget` bytes. */
  private prune(budget: number): void {
    const files = readdirSync(this.options.dir)
      .filter((f) => SESSION_FILE.test(f))
      .map((f) => ({ f, ...statOf(join(this.options.dir, f)) }))
      .sort((a, b) => a.mtime - b.mtime || a.f.localeCompare(b.f))
    let total = files.reduce((sum, x) => sum + x.size, 0)
    for (const { f, size } of files) {
      if (total <= budget) break
      try {
        unlinkSync(join(this.options.dir, f))
        total -= size
      } catch {
        // Already gone, or not ours to delete: the cap is a target, the recording goes on.
      }
    }
  }

  private stop(reason: string): void {
    this.failedAt = this.now()
    this.stopped = `recording stopped: ${reason}`
    this.options.log(`${this.stopped}; order handling carries on unrecorded`)
    this.closeFile()
  }

  private closeFile(): void {
    this.flush()
    this.pending = []
    this.pendingChars = 0
    if (this.fd === undefined) return
    try {
      closeSync(this.fd)
    } catch {
      // The descriptor is gone either way.
    }
    this.fd = undefined
    this.file = undefined
  }
}

function statOf(path: string): { size: number; mtime: number } {
  try {
    const s = statSync(path)
    return { size: s.size, mtime: s.mtimeMs }
  } catch {
    return { size: 0, mtime: 0 }
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
