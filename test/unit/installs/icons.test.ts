import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'

// Reads the committed icon files back with a decoder written here (not scripts/icon-formats.ts),
// so a wrong container or a wrong size is caught.
const RES = resolve(__dirname, '../../../resources')

function png(buf: Buffer): { width: number; height: number; rgba: Buffer } {
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))
  let off = 8
  let width = 0
  let height = 0
  const idat: Buffer[] = []
  while (off < buf.length) {
    const len = buf.readUInt32BE(off)
    const type = buf.toString('ascii', off + 4, off + 8)
    const data = buf.subarray(off + 8, off + 8 + len)
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      expect([data[8], data[9]]).toEqual([8, 6]) // 8-bit RGBA
    }
    if (type === 'IDAT') idat.push(data)
    off += 12 + len
  }
  const raw = inflateSync(Buffer.concat(idat))
  const rgba = Buffer.alloc(width * height * 4)
  for (let y = 0; y < height; y++) {
    expect(raw[y * (1 + width * 4)]).toBe(0) // filter "none", which the encoder writes
    raw.copy(rgba, y * width * 4, y * (1 + width * 4) + 1, (y + 1) * (1 + width * 4))
  }
  return { width, height, rgba }
}

const read = (name: string): Buffer => readFileSync(join(RES, name))

describe('app icons', () => {
  it('icon.png is 1024 px and the Linux set has every size', () => {
    expect(png(read('icon.png')).width).toBe(1024)
    for (const size of [16, 32, 48, 64, 128, 256, 512, 1024]) {
      const img = png(read(`icons/${size}x${size}.png`))
      expect([img.width, img.height]).toEqual([size, size])
    }
  })

  it('icon.ico holds PNG entries 16..256 whose directory sizes match the images', () => {
    const ico = read('icon.ico')
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1])
    const count = ico.readUInt16LE(4)
    const sizes: number[] = []
    for (let i = 0; i < count; i++) {
      const e = 6 + 16 * i
      const declared = ico[e] || 256
      const len = ico.readUInt32LE(e + 8)
      const at = ico.readUInt32LE(e + 12)
      const img = png(ico.subarray(at, at + len))
      expect(img.width).toBe(declared)
      sizes.push(declared)
    }
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256])
  })

  it('icon.icns has a correct total length and every PNG element up to 1024 (512@2x)', () => {
    const icns = read('icon.icns')
    expect(icns.toString('ascii', 0, 4)).toBe('icns')
    expect(icns.readUInt32BE(4)).toBe(icns.length)
    const found = new Map<string, number>()
    for (let off = 8; off < icns.length; ) {
      const type = icns.toString('ascii', off, off + 4)
      const len = icns.readUInt32BE(off + 4)
      found.set(type, png(icns.subarray(off + 8, off + len)).width)
      off += len
    }
    expect(Object.fromEntries(found)).toEqual({ icp4: 16, icp5: 32, ic11: 32, icp6: 64, ic12: 64, ic07: 128, ic08: 256, ic13: 256, ic09: 512, ic14: 512, ic10: 1024 })
  })
})

describe('tray icons', () => {
  for (const state of ['ok', 'degraded', 'failed']) {
    it(`${state}: macOS template pair is black + alpha only at 16 and 32 px`, () => {
      for (const [name, size] of [[`tray-${state}Template.png`, 16], [`tray-${state}Template@2x.png`, 32]] as const) {
        const img = png(read(name))
        expect(img.width).toBe(size)
        let opaque = 0
        for (let i = 0; i < img.rgba.length; i += 4) {
          if (img.rgba[i + 3] === 0) continue
          opaque++
          expect([img.rgba[i], img.rgba[i + 1], img.rgba[i + 2]]).toEqual([0, 0, 0])
        }
        expect(opaque).toBeGreaterThan(size * 2) // a glyph, not an empty image
      }
    })

    it(`${state}: Windows .ico and Linux .png exist in tray sizes`, () => {
      expect(png(read(`tray-${state}.png`)).width).toBe(32)
      const ico = read(`tray-${state}.ico`)
      expect(ico.readUInt16LE(4)).toBeGreaterThanOrEqual(4)
      expect(ico[6]).toBe(16)
    })
  }

  it('the three states are distinguishable in the template images', () => {
    const [ok, degraded, failed] = ['ok', 'degraded', 'failed'].map((s) => png(read(`tray-${s}Template@2x.png`)).rgba)
    expect(ok!.equals(degraded!)).toBe(false)
    expect(degraded!.equals(failed!)).toBe(false)
  })
})
