import { deflateSync } from 'node:zlib'

/**
 * The three icon containers Keel ships, written without image tooling: PNG (RGBA, one IDAT),
 * ICO (PNG-compressed entries, Windows Vista+) and ICNS (PNG-compressed entries, macOS 10.7+).
 */

/** RGBA, row-major, `size * size * 4` bytes. */
export interface Bitmap {
  size: number
  rgba: Uint8Array
}

function crc32(buf: Uint8Array): number {
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

export function encodePng({ size, rgba }: Bitmap): Buffer {
  const raw = Buffer.alloc(size * (1 + size * 4))
  for (let y = 0; y < size; y++) raw.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (1 + size * 4) + 1)
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 6, 0, 0, 0], 8) // 8-bit RGBA, no interlace
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}

/** ICONDIR + one ICONDIRENTRY per image, each image a whole PNG file. */
export function encodeIco(images: Bitmap[]): Buffer {
  const pngs = images.map(encodePng)
  const head = Buffer.alloc(6 + 16 * images.length)
  head.writeUInt16LE(0, 0)
  head.writeUInt16LE(1, 2) // 1 = icon
  head.writeUInt16LE(images.length, 4)
  let offset = head.length
  images.forEach((img, i) => {
    const e = 6 + 16 * i
    head.writeUInt8(img.size >= 256 ? 0 : img.size, e) // 0 means 256
    head.writeUInt8(img.size >= 256 ? 0 : img.size, e + 1)
    head.writeUInt16LE(1, e + 4) // colour planes
    head.writeUInt16LE(32, e + 6) // bits per pixel
    head.writeUInt32LE(pngs[i]!.length, e + 8)
    head.writeUInt32LE(offset, e + 12)
    offset += pngs[i]!.length
  })
  return Buffer.concat([head, ...pngs])
}

/** ICNS element types holding PNG data, by pixel size (the @2x types share a size with 1x ones). */
export const ICNS_TYPES: readonly { type: string; size: number }[] = [
  { type: 'icp4', size: 16 },
  { type: 'icp5', size: 32 },
  { type: 'ic11', size: 32 }, // 16@2x
  { type: 'icp6', size: 64 },
  { type: 'ic12', size: 64 }, // 32@2x
  { type: 'ic07', size: 128 },
  { type: 'ic08', size: 256 },
  { type: 'ic13', size: 256 }, // 128@2x
  { type: 'ic09', size: 512 },
  { type: 'ic14', size: 512 }, // 256@2x
  { type: 'ic10', size: 1024 } // 512@2x
]

export function encodeIcns(bySize: (size: number) => Bitmap): Buffer {
  const elements = ICNS_TYPES.map(({ type, size }) => {
    const data = encodePng(bySize(size))
    const head = Buffer.alloc(8)
    head.write(type, 0, 'ascii')
    head.writeUInt32BE(data.length + 8, 4)
    return Buffer.concat([head, data])
  })
  const body = Buffer.concat(elements)
  const head = Buffer.alloc(8)
  head.write('icns', 0, 'ascii')
  head.writeUInt32BE(body.length + 8, 4)
  return Buffer.concat([head, body])
}

/** Width and height from a PNG's IHDR (for checks of what was written). */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(png.buffer, png.byteOffset, png.byteLength)
  if (b.readUInt32BE(0) !== 0x89504e47 || b.toString('ascii', 12, 16) !== 'IHDR') throw new Error('not a PNG')
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) }
}
