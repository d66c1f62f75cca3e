import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { encodeIcns, encodeIco, encodePng, type Bitmap } from './icon-formats'

/**
 * Draws Keel's icons (a keel-like chevron under a hull, on a disc) with no image tooling.
 * `npx tsx scripts/make-icons.ts` writes into resources/:
 * - icon.png (1024), icon.icns (macOS), icon.ico (Windows), icons/<n>x<n>.png (Linux);
 * - tray icons per platform and state (ok, degraded, failed): macOS template images
 *   (`tray-<state>Template.png` + `@2x`, black and alpha only, so the menu bar tints them),
 *   Windows `tray-<state>.ico`, Linux `tray-<state>.png`.
 */
type Rgb = [number, number, number]

/** The glyph in unit coordinates (-1..1, centre 0): hull line and keel chevron. */
function onGlyph(u: number, v: number): boolean {
  const onKeel = v > -0.35 && v < 0.55 && Math.abs(u) < 0.62 && Math.abs(Math.abs(u) - (0.55 - v) * 0.9) < 0.13
  const onHull = Math.abs(v + 0.35) < 0.09 && Math.abs(u) < 0.62
  return onKeel || onHull
}

const SAMPLES = 4 // per axis: 16 samples a pixel smooth the edges at 16 px

/** Renders `shade(u, v)` → RGBA or undefined (transparent), antialiased by supersampling. */
function render(size: number, shade: (u: number, v: number) => [...Rgb, number] | undefined): Bitmap {
  const rgba = new Uint8Array(size * size * 4)
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0
      let g = 0
      let b = 0
      let a = 0
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const u = ((x + (sx + 0.5) / SAMPLES) / size) * 2 - 1
          const v = ((y + (sy + 0.5) / SAMPLES) / size) * 2 - 1
          const px = shade(u, v)
          if (!px) continue
          const alpha = px[3] / 255
          r += px[0] * alpha
          g += px[1] * alpha
          b += px[2] * alpha
          a += alpha
        }
      }
      const i = (y * size + x) * 4
      const n = SAMPLES * SAMPLES
      if (a > 0) rgba.set([Math.round(r / a), Math.round(g / a), Math.round(b / a), Math.round((a / n) * 255)], i)
    }
  }
  return { size, rgba }
}

function appIcon(size: number, disc: Rgb): Bitmap {
  return render(size, (u, v) => {
    if (Math.hypot(u, v) > 0.96) return undefined
    return onGlyph(u, v) ? [255, 255, 255, 255] : [...disc, 255]
  })
}

type TrayState = 'ok' | 'degraded' | 'failed'
const TRAY_COLOURS: Record<TrayState, Rgb> = { ok: [46, 189, 133], degraded: [240, 185, 11], failed: [246, 70, 93] }

/** A status badge in the top-right corner: none (ok), a ring (degraded), a filled dot (failed). */
function onBadge(state: TrayState, u: number, v: number): boolean {
  const d = Math.hypot(u - 0.62, v + 0.62)
  if (state === 'degraded') return d < 0.36 && d > 0.2
  if (state === 'failed') return d < 0.36
  return false
}

/** macOS template: the glyph and badge in black on transparent; no disc (the menu bar has none). */
function trayTemplate(size: number, state: TrayState): Bitmap {
  return render(size, (u, v) => {
    const badgeGap = state !== 'ok' && Math.hypot(u - 0.62, v + 0.62) < 0.46
    if (onBadge(state, u, v)) return [0, 0, 0, 255]
    if (badgeGap) return undefined
    return onGlyph(u * 1.05, v * 1.05) ? [0, 0, 0, 255] : undefined
  })
}

const out = join(__dirname, '../resources')
mkdirSync(join(out, 'icons'), { recursive: true })
const BRAND: Rgb = [24, 88, 140]
const cache = new Map<number, Bitmap>()
const brand = (size: number): Bitmap => cache.get(size) ?? (cache.set(size, appIcon(size, BRAND)), cache.get(size)!)

writeFileSync(join(out, 'icon.png'), encodePng(brand(1024)))
writeFileSync(join(out, 'icon.icns'), encodeIcns(brand))
writeFileSync(join(out, 'icon.ico'), encodeIco([16, 24, 32, 48, 64, 128, 256].map(brand)))
for (const size of [16, 32, 48, 64, 128, 256, 512, 1024]) writeFileSync(join(out, 'icons', `${size}x${size}.png`), encodePng(brand(size)))

for (const state of Object.keys(TRAY_COLOURS) as TrayState[]) {
  writeFileSync(join(out, `tray-${state}.png`), encodePng(appIcon(32, TRAY_COLOURS[state])))
  writeFileSync(join(out, `tray-${state}.ico`), encodeIco([16, 20, 24, 32, 40, 48].map((s) => appIcon(s, TRAY_COLOURS[state]))))
  writeFileSync(join(out, `tray-${state}Template.png`), encodePng(trayTemplate(16, state)))
  writeFileSync(join(out, `tray-${state}Template@2x.png`), encodePng(trayTemplate(32, state)))
}
console.log(`wrote icons to ${out}`)
