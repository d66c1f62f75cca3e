import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { KeelError } from '../../shared/errors'
import type { RecordingInfo } from '../../shared/replay'
import type { EngineInput, OrderRecord } from '../exchange'
import { EndLine, HeadLine, InputLine, parseRecordedInput, StateLine } from './replay-format'
import { SESSION_FILE } from './replay-recorder'

/**
 * Reads recorded paper sessions (replay-format.ts). A file is hostile input: every line is
 * parsed with its schema; a damaged line names its number. Only the last line may be cut short
 * (the worker was killed mid-write): it is dropped and the recording marked truncated.
 */

export interface RecordedEntry {
  input: EngineInput
  hydrated?: OrderRecord
}

export interface Recording {
  id: string
  head: HeadLine
  state: StateLine
  entries: RecordedEntry[]
  end?: { at: number; reason: string }
  truncated: boolean
}

export function recordingsDir(dataDir: string): string {
  return join(dataDir, 'recordings')
}

/** Recording ids (file names without .jsonl), oldest first. */
export function recordingIds(dataDir: string): string[] {
  let files: string[]
  try {
    files = readdirSync(recordingsDir(dataDir))
  } catch {
    return []
  }
  return files
    .filter((f) => SESSION_FILE.test(f))
    .map((f) => f.slice(0, -'.jsonl'.length))
    .sort(compareIds)
}

/** Started at, then pid, then segment number. */
function compareIds(a: string, b: string): number {
  const pa = parts(a)
  const pb = parts(b)
  return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2]
}

function parts(id: string): number[] {
  const m = SESSION_FILE.exec(`${id}.jsonl`)
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0]
}

function pathOf(dataDir: string, id: string): string {
  if (!SESSION_FILE.test(`${id}.jsonl`)) throw new KeelError('bad_request', `"${id}" is not a recording id (session-<time>-<pid>-<segment>)`)
  return join(recordingsDir(dataDir), `${id}.jsonl`)
}

/** Lines parsed per event-loop turn: a 32 MB segment must not hold the worker's loop (and heartbeat) for seconds. */
const LINES_PER_TURN = 2_000

export async function readRecording(dataDir: string, id: string): Promise<Recording> {
  let text: string
  try {
    text = readFileSync(pathOf(dataDir, id), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new KeelError('not_found', `recording ${id} not found`)
    throw new KeelError('unavailable', `recording ${id} cannot be read: ${(err as Error).message}`)
  }
  return parseRecording(id, text)
}

export async function parseRecording(id: string, text: string): Promise<Recording> {
  const lines = text.split('\n')
  // A complete file ends with a newline: the last element is then empty.
  const tail = lines.pop() ?? ''
  const truncatedTail = tail.length > 0
  const line = (n: number): unknown => {
    try {
      return JSON.parse(lines[n])
    } catch {
      throw damaged(id, n, 'not JSON')
    }
  }
  if (lines.length < 2) throw new KeelError('bad_request', `recording ${id} has no engine state (${lines.length} complete lines)`)
  const head = HeadLine.safeParse(line(0))
  if (!head.success) throw damaged(id, 0, 'not a recording head')
  const state = StateLine.safeParse(line(1))
  if (!state.success) throw damaged(id, 1, `bad engine state (${state.error.issues[0]?.path.join('.')}: ${state.error.issues[0]?.message})`)
  const entries: RecordedEntry[] = []
  let end: Recording['end']
  for (let n = 2; n < lines.length; n++) {
    if (n % LINES_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve))
    const raw = line(n)
    const ended = EndLine.safeParse(raw)
    if (ended.success) {
      end = { at: ended.data.at, reason: ended.data.reason }
      continue
    }
    const parsed = InputLine.safeParse(raw)
    if (!parsed.success) throw damaged(id, n, 'not an input line')
    let input: EngineInput
    try {
      input = parseRecordedInput(parsed.data.i)
    } catch (err) {
      throw damaged(id, n, err instanceof Error ? err.message : String(err))
    }
    entries.push(parsed.data.h ? { input, hydrated: parsed.data.h as OrderRecord } : { input })
  }
  return { id, head: head.data, state: state.data, entries, end, truncated: truncatedTail }
}

function damaged(id: string, index: number, why: string): KeelError {
  return new KeelError('bad_request', `recording ${id} is damaged at line ${index + 1}: ${why}`)
}

/** What the list shows of a recording, from its first line and its size (the rest is not read). */
export function recordingInfo(dataDir: string, id: string): RecordingInfo {
  const path = pathOf(dataDir, id)
  const { size, mtimeMs } = statSync(path)
  const [pStarted, pPid, pSegment] = parts(id)
  const head = readHead(path)
  return {
    id,
    session: `${pStarted}-${pPid}`,
    segment: pSegment,
    startedAt: head?.startedAt ?? pStarted,
    lastWriteAt: Math.round(mtimeMs),
    bytes: size,
    start: head?.start ?? 'damaged'
  }
}

function readHead(path: string): HeadLine | undefined {
  const buffer = Buffer.alloc(1024)
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    const n = readSync(fd, buffer, 0, buffer.length, 0)
    const first = buffer.subarray(0, n).toString('utf8').split('\n')[0]
    const head = HeadLine.safeParse(JSON.parse(first))
    return head.success ? head.data : undefined
  } catch {
    return undefined
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** A recording's engine state alone (its first two lines), without reading its inputs. */
export function readRecordingState(dataDir: string, id: string): StateLine {
  const path = pathOf(dataDir, id)
  const fd = openSync(path, 'r')
  try {
    const chunks: Buffer[] = []
    let newlines = 0
    let position = 0
    const chunk = Buffer.alloc(1 << 20)
    while (newlines < 2) {
      const n = readSync(fd, chunk, 0, chunk.length, position)
      if (n === 0) break
      const part = Buffer.from(chunk.subarray(0, n))
      for (const byte of part) if (byte === 10) newlines++
      chunks.push(part)
      position += n
    }
    const lines = Buffer.concat(chunks).toString('utf8').split('\n')
    const state = StateLine.safeParse(JSON.parse(lines[1] ?? 'null'))
    if (!state.success) throw damaged(id, 1, 'bad engine state')
    return state.data
  } catch (err) {
    if (err instanceof KeelError) throw err
    throw damaged(id, 1, 'bad engine state')
  } finally {
    closeSync(fd)
  }
}
