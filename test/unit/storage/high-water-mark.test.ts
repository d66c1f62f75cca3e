import { mkdtempSync, openSync, rmSync, writeSync, closeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { HighWaterMark } from '../../../src/core/storage/trading/high-water-mark'

const dirs: string[] = []
const newMark = () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-hwm-'))
  dirs.push(dir)
  return new HighWaterMark(join(dir, 'trading.hwm'))
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function scribble(path: string, offset: number): void {
  const fd = openSync(path, 'r+')
  writeSync(fd, Buffer.from('torn write torn'), 0, 15, offset)
  closeSync(fd)
}

describe('journal high-water mark', () => {
  it('is absent before the first reset, then reads back the newest advance', () => {
    const mark = newMark()
    expect(mark.read()).toBeUndefined()
    mark.reset({ journalSeq: 0, orderSeq: 0 })
    for (let i = 1; i <= 101; i++) mark.advance({ journalSeq: i * 2, orderSeq: i })
    mark.close()
    expect(new HighWaterMark(mark.path).read()).toEqual({ journalSeq: 202, orderSeq: 101 })
  })

  it('a write torn in one slot falls back to the other (older, never newer than the database)', () => {
    const mark = newMark()
    mark.reset({ journalSeq: 0, orderSeq: 0 })
    mark.advance({ journalSeq: 10, orderSeq: 5 }) // slot of counter 2
    mark.advance({ journalSeq: 11, orderSeq: 6 }) // slot of counter 3
    mark.close()
    scribble(mark.path, 64 + 20) // counter 3 lives in slot 1 (offset 64)
    expect(new HighWaterMark(mark.path).read()).toEqual({ journalSeq: 10, orderSeq: 5 })
    scribble(mark.path, 20)
    expect(new HighWaterMark(mark.path).read()).toBeUndefined()
  })

  it('does not rewrite when nothing grew, and a reset replaces a higher mark (restore)', () => {
    const mark = newMark()
    mark.reset({ journalSeq: 0, orderSeq: 0 })
    mark.advance({ journalSeq: 50, orderSeq: 40 })
    mark.advance({ journalSeq: 50, orderSeq: 40 })
    mark.reset({ journalSeq: 20, orderSeq: 10 })
    mark.close()
    expect(new HighWaterMark(mark.path).read()).toEqual({ journalSeq: 20, orderSeq: 10 })
  })
})
