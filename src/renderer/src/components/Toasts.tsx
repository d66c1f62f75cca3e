import { useEffect, useState, type CSSProperties, type JSX } from 'react'
import { toastMs, useAlertsStore, type LogEntry } from '../stores/alerts'

function Toast({ toast }: { toast: LogEntry }): JSX.Element {
  const dismiss = useAlertsStore((s) => s.dismiss)
  useEffect(() => {
    // Errors stay longer than news; every toast is also in the log, so none is lost when it goes.
    const timer = setTimeout(() => dismiss(toast.id), toastMs(toast.level))
    return () => clearTimeout(timer)
  }, [toast, dismiss])
  return (
    <div className={`toast toast-${toast.level}`} role={toast.level === 'error' ? 'alert' : 'status'}>
      <span>{toast.text}</span>
      <button type="button" className="link" aria-label="Dismiss notification" onClick={() => dismiss(toast.id)}>
        ×
      </button>
    </div>
  )
}

/** Room kept clear of toasts: the chart's legend row above, its price axis on the right. */
const LEGEND_PX = 26
const PRICE_AXIS_PX = 64

/**
 * Where toasts sit: over the chart's price area, under its toolbar and legend, left of its price
 * axis — wherever the layout has put the chart — so they never cover a control, the ticket or
 * the log. Measured only while there are toasts; without a chart (access screen) the CSS
 * default applies.
 */
function useChartAnchor(active: boolean): CSSProperties | undefined {
  const [style, setStyle] = useState<CSSProperties>()
  useEffect(() => {
    if (!active) return
    const resized = new ResizeObserver(() => measure())
    let observed: Element | null = null
    const measure = (): void => {
      // The chart remounts when the layout switches (full ↔ compact): find it each time.
      const chart = document.querySelector('.chart-area')
      if (chart !== observed) {
        resized.disconnect()
        if (chart) resized.observe(chart)
        observed = chart
      }
      if (!chart) return setStyle(undefined)
      const r = chart.getBoundingClientRect()
      setStyle({ top: r.top + LEGEND_PX, right: window.innerWidth - r.right + PRICE_AXIS_PX, maxWidth: Math.max(160, Math.min(320, r.width - 2 * PRICE_AXIS_PX)) })
    }
    measure()
    window.addEventListener('resize', measure)
    return () => {
      resized.disconnect()
      window.removeEventListener('resize', measure)
    }
  }, [active])
  return active ? style : undefined
}

export function Toasts(): JSX.Element {
  const toasts = useAlertsStore((s) => s.toasts)
  const anchor = useChartAnchor(toasts.length > 0)
  return (
    <div className="toasts" role="region" aria-label="Notifications" style={anchor}>
      {toasts.map((t) => (
        <Toast key={t.id} toast={t} />
      ))}
    </div>
  )
}
