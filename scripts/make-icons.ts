import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'

/**
 * Draws Keel's icons (a keel-like chevron on a disc) as PNGs with no image tooling:
 * `npx tsx scripts/make-icons.ts` writes resources/icon.png and the three tray states.
 */
type Rgb = [number, number, number]

function crc32(buf: Buffer): number {
  let c = ~0
  for (const byte of buf) {
    c ^= byte
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1
  }
  return ~c >>> 0
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

function png(size: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const rows: Buffer[] = []
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4)
    for (let x = 0; x < size; x++) row.set(pixel(x, y), 1 + x * 4)
    rows.push(row)
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 6, 0, 0, 0], 8) // 8-bit RGBA
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))])
}

function icon(size: number, disc: Rgb): Buffer {
  const c = size / 2
  return png(size, (x, y) => {
    const dx = x + 0.5 - c
    const dy = y + 0.5 - c
    const r = Math.hypot(dx, dy) / c
    if (r > 0.96) return [0, 0, 0, 0]
    // A chevron pointing down: the keel under a hull.
    const u = dx / c
    const v = dy / c
    const onKeel = v > -0.35 && v < 0.55 && Math.abs(u) < 0.62 && Math.abs(Math.abs(u) - (0.55 - v) * 0.9) < 0.12
    const onHull = Math.abs(v + 0.35) < 0.08 && Math.abs(u) < 0.62
    return onKeel || onHull ? [255, 255, 255, 255] : [...disc, 255]
  })
}

const out = join(__dirname, '../resources')
mkdirSync(out, { recursive: true })
writeFileSync(join(out, 'icon.png'), icon(512, [24, 88, 140]))
writeFileSync(join(out, 'tray-ok.png'), icon(32, [46, 189, 133]))
writeFileSync(join(out, 'tray-degraded.png'), icon(32, [240, 185, 11]))
writeFileSync(join(out, 'tray-failed.png'), icon(32, [246, 70, 93]))
console.log(`wrote icons to ${out}`)
