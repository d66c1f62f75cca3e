import { useRef, type KeyboardEvent, type PointerEvent, type RefObject, type WheelEvent } from 'react'
import type { PriceChart } from './price-chart'

export interface ChartGestures {
  onWheel(e: WheelEvent): void
  onPointerDown(e: PointerEvent<HTMLElement>): void
  onPointerMove(e: PointerEvent): void
  onPointerUp(): void
  onKeyDown(e: KeyboardEvent): void
}

/** Pan and zoom for a PriceChart's area: drag or arrows pan, the wheel and +/− zoom, Home returns to the end. */
export function useChartGestures(chart: RefObject<PriceChart | null>, after: () => void = () => {}): ChartGestures {
  const drag = useRef<{ x: number; carried: number } | null>(null)
  return {
    onWheel: (e) => {
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) chart.current?.pan(-e.deltaX / 10)
      else chart.current?.zoom(e.deltaY > 0 ? 1.15 : 1 / 1.15)
      after()
    },
    onPointerDown: (e) => {
      e.currentTarget.setPointerCapture(e.pointerId)
      drag.current = { x: e.clientX, carried: 0 }
    },
    onPointerMove: (e) => {
      const c = chart.current
      if (!drag.current || !c) return
      // Whole bars only; keep the fraction for the next move so slow drags still pan.
      const bars = (e.clientX - drag.current.x) * c.barsPerPixel() + drag.current.carried
      const whole = Math.trunc(bars)
      drag.current = { x: e.clientX, carried: bars - whole }
      if (whole !== 0) c.pan(whole)
      after()
    },
    onPointerUp: () => {
      drag.current = null
    },
    onKeyDown: (e) => {
      const c = chart.current
      if (!c) return
      const actions: Record<string, () => void> = {
        ArrowLeft: () => c.pan(10),
        ArrowRight: () => c.pan(-10),
        '+': () => c.zoom(1 / 1.25),
        '-': () => c.zoom(1.25),
        Home: () => c.toLatest()
      }
      const action = actions[e.key]
      if (!action) return
      e.preventDefault()
      action()
      after()
    }
  }
}
