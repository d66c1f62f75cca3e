import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs'

/** The journal's extent: the highest journal and order sequence ever committed. */
export interface JournalMarks {
  journalSeq: number
  orderSeq: number
}

const SLOT_BYTES = 64
const MAGIC = 'KEELHWM1'

/**
 * A high-water mark of trading.db's journal kept outside the database, so a database that lost
 * rows (deleted, emptied, a lost WAL, an old copy put back) is told apart from a new one.
 *
 * Cheap on the hot path: the file stays open and each update is one 64-byte positional write
 * into one of two slots, alternating, each with a counter and a checksum; a write torn by a
 * crash leaves the other slot intact. Under load the writes are spaced at least `minIntervalMs`
 * apart (each one dirties an inode the next WAL fsync then has to commit too); the newest
 * marks are written when the interval is up and on close. It is written after the commits it
 * describes, so it never claims more than the database holds; after a crash it may lag by the
 * last interval's commits, which only weakens the check by those, never raises a false alarm.
 */
export class HighWaterMark {
  private fd: number | undefined
  private counter = 0
  private last: JournalMarks | undefined
  private pending: JournalMarks | undefined
  private writtenAt = -Infinity
  private timer: NodeJS.Timeout | undefined

  constructor(
    readonly path: string,
    private readonly minIntervalMs = 25
  ) {}

  /** The newest intact mark on disk, or undefined when there is none (first run, older Keel). */
  read(): JournalMarks | undefined {
    let text: string
    try {
      text = readFileSync(this.path, 'latin1')
    } catch {
      return undefined
    }
    let best: { counter: number; marks: JournalMarks } | undefined
    for (let offset = 0; offset + SLOT_BYTES <= text.length; offset += SLOT_BYTES) {
      const slot = parseSlot(text.slice(offset, offset + SLOT_BYTES))
      if (slot && (!best || slot.counter > best.counter)) best = slot
    }
    if (best) this.counter = best.counter
    return best?.marks
  }

  /** Replaces the mark (restore, fresh start): written whole to a new file, fsynced, renamed over. */
  reset(marks: JournalMarks): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.pending = undefined
    this.close()
    this.counter += 1
    const slot = formatSlot(this.counter, marks)
    const tmp = `${this.path}.tmp`
    writeFileSync(tmp, slot + slot, { mode: 0o600 })
    const fd = openSync(tmp, 'r+')
    fsyncSync(fd)
    closeSync(fd)
    renameSync(tmp, this.path)
    this.last = marks
  }

  /** Records the extent after a commit; a no-op when nothing grew. */
  advance(marks: JournalMarks): void {
    const known = this.pending ?? this.last
    if (known && marks.journalSeq <= known.journalSeq && marks.orderSeq <= known.orderSeq) return
    this.pending = marks
    const wait = this.writtenAt + this.minIntervalMs - performance.now()
    if (wait <= 0) this.flush()
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), wait)
      this.timer.unref?.()
    }
  }

  /** Writes the newest marks now (called when the interval is up, and on close). */
  flush(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    const marks = this.pending
    if (!marks) return
    if (this.fd === undefined) this.fd = openSync(this.path, 'r+')
    this.counter += 1
    writeSync(this.fd, formatSlot(this.counter, marks), (this.counter % 2) * SLOT_BYTES, 'latin1')
    this.last = marks
    this.pending = undefined
    this.writtenAt = performance.now()
  }

  close(): void {
    this.flush()
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }
}

function formatSlot(counter: number, { journalSeq, orderSeq }: JournalMarks): string {
  const body = `${MAGIC} ${counter} ${journalSeq} ${orderSeq}`
  return `${body} ${checksum(body)}`.padEnd(SLOT_BYTES - 1, ' ') + '\n'
}

function parseSlot(slot: string): { counter: number; marks: JournalMarks } | undefined {
  const parts = slot.trim().split(' ')
  if (parts.length !== 5 || parts[0] !== MAGIC) return undefined
  const [, counter, journalSeq, orderSeq, sum] = parts
  if (checksum(parts.slice(0, 4).join(' ')) !== sum) return undefined
  const numbers = [counter, journalSeq, orderSeq].map(Number)
  if (!numbers.every((n) => Number.isSafeInteger(n) && n >= 0)) return undefined
  return { counter: numbers[0], marks: { journalSeq: numbers[1], orderSeq: numbers[2] } }
}

/** FNV-1a, hex: enough to tell a torn or scribbled slot from a written one. */
function checksum(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193)
  return (hash >>> 0).toString(16)
}
