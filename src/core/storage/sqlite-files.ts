import { closeSync, openSync, readSync } from 'node:fs'

/** The first bytes of every SQLite database file. */
const DB_HEADER = 'SQLite format 3\u0000'
const WAL_MAGIC_LE = 0x377f0682
const WAL_MAGIC_BE = 0x377f0683

function readHead(path: string, bytes: number): Buffer {
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(bytes)
    const n = readSync(fd, buf, 0, bytes, 0)
    return buf.subarray(0, n)
  } finally {
    closeSync(fd)
  }
}

/** True when the file starts like an SQLite database. */
export function hasDatabaseHeader(path: string): boolean {
  return readHead(path, 16).toString('latin1') === DB_HEADER
}

/**
 * True when a WAL file's 32-byte header is intact (magic and checksum, per SQLite's file
 * format). SQLite silently ignores a WAL whose header is damaged, and deletes it on close:
 * the only moment to notice (and keep a copy) is before SQLite opens the database.
 */
export function hasValidWalHeader(path: string): boolean {
  const head = readHead(path, 32)
  if (head.length < 32) return false
  const magic = head.readUInt32BE(0)
  if (magic !== WAL_MAGIC_LE && magic !== WAL_MAGIC_BE) return false
  const word = magic === WAL_MAGIC_BE ? (i: number) => head.readUInt32BE(i) : (i: number) => head.readUInt32LE(i)
  let s1 = 0
  let s2 = 0
  for (let i = 0; i < 24; i += 8) {
    s1 = (s1 + word(i) + s2) >>> 0
    s2 = (s2 + word(i + 4) + s1) >>> 0
  }
  return s1 === head.readUInt32BE(24) && s2 === head.readUInt32BE(28)
}
