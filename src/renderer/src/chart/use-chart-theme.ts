import { useEffect, type RefObject } from 'react'
import { usePrefsStore } from '../stores/prefs'
import type { PriceChart } from './price-chart'
import { readChartTheme } from './theme'

/** Recolours a PriceChart when the app's theme changes. */
export function useChartTheme(chart: RefObject<PriceChart | null>, canvas: RefObject<HTMLCanvasElement | null>): void {
  const theme = usePrefsStore((s) => s.theme)
  useEffect(() => {
    // Theme variables change with the root class; read them after React applied it.
    const element = canvas.current
    if (element) chart.current?.setTheme(readChartTheme(element))
  }, [theme, canvas, chart])
}
