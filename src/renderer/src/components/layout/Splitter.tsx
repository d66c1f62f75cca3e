import { useRef, type JSX, type KeyboardEvent, type PointerEvent } from 'react'
import { LAYOUT_LIMITS, usePrefsStore, type Layout } from '../../stores/prefs'

const KEY_STEP = 16

/**
 * A drag handle between two panes that resizes `pane` (a persisted layout size). `grows` says
 * which way the pane grows: 'after' when the pane sits after the handle (dragging toward it
 * shrinks it). Keyboard: arrows move it, as the ARIA separator pattern expects.
 */
export function Splitter({ pane, direction, grows, label }: { pane: keyof Layout; direction: 'row' | 'column'; grows: 'before' | 'after'; label: string }): JSX.Element {
  const size = usePrefsStore((s) => s.layout[pane])
  const resize = usePrefsStore((s) => s.resize)
  const drag = useRef<{ start: number; size: number } | null>(null)
  const sign = grows === 'before' ? 1 : -1
  const coord = (e: PointerEvent) => (direction === 'row' ? e.clientX : e.clientY)

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId)
    drag.current = { start: coord(e), size }
  }
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (drag.current) resize(pane, drag.current.size + sign * (coord(e) - drag.current.start))
  }
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const forward = direction === 'row' ? 'ArrowRight' : 'ArrowDown'
    const back = direction === 'row' ? 'ArrowLeft' : 'ArrowUp'
    if (e.key !== forward && e.key !== back) return
    e.preventDefault()
    resize(pane, size + sign * (e.key === forward ? KEY_STEP : -KEY_STEP))
  }
  const [min, max] = LAYOUT_LIMITS[pane]
  return (
    <div
      role="separator"
      tabIndex={0}
      aria-label={label}
      aria-orientation={direction === 'row' ? 'vertical' : 'horizontal'}
      aria-valuenow={size}
      aria-valuemin={min}
      aria-valuemax={max}
      className={`splitter splitter-${direction}`}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={() => (drag.current = null)}
      onKeyDown={onKeyDown}
    />
  )
}
