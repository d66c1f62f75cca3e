import { useEffect, useRef, type JSX } from 'react'
import { Chart, Filler, LineController, LineElement, LinearScale, PointElement, TimeSeriesScale, Tooltip, Legend } from 'chart.js'
import 'chartjs-adapter-date-fns'

Chart.register(LineController, LineElement, PointElement, LinearScale, TimeSeriesScale, Filler, Tooltip, Legend)

export interface Curve {
  label: string
  time: number[]
  values: number[]
}

/** Curves are drawn from at most this many points: a million-candle run stays responsive. */
const MAX_POINTS = 2_000

function thin(curve: Curve): { x: number; y: number }[] {
  const step = Math.max(1, Math.ceil(curve.time.length / MAX_POINTS))
  const out: { x: number; y: number }[] = []
  for (let i = 0; i < curve.time.length; i += step) out.push({ x: curve.time[i], y: curve.values[i] })
  const last = curve.time.length - 1
  if (last >= 0 && last % step !== 0) out.push({ x: curve.time[last], y: curve.values[last] })
  return out
}

const COLOURS = ['#4e9af1', '#f1a94e', '#5fcf80', '#d65db1']

/** A line chart of one or more curves over time (equity, drawdown). */
export function CurveChart({ curves, label, percent = false }: { curves: Curve[]; label: string; percent?: boolean }): JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    if (!canvas.current) return
    const chart = new Chart(canvas.current, {
      type: 'line',
      data: {
        datasets: curves.map((c, k) => ({
          label: c.label,
          data: thin(c),
          borderColor: COLOURS[k % COLOURS.length],
          backgroundColor: `${COLOURS[k % COLOURS.length]}33`,
          fill: percent,
          pointRadius: 0,
          borderWidth: 1.5
        }))
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        scales: {
          x: { type: 'time' },
          y: { ticks: { callback: (v) => (percent ? `${(Number(v) * 100).toFixed(1)} %` : String(v)) } }
        },
        plugins: { legend: { display: curves.length > 1 } }
      }
    })
    return () => chart.destroy()
  }, [curves, percent])
  return (
    <div className="backtest-chart">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  )
}
