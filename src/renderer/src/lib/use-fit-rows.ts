import { useEffect, useRef, useState, type RefObject } from 'react'

/**
 * How many rows of `rowHeight` px fit in the element after `reserved` px of chrome: the book
 * shows as many levels as its pane has room for, and re-fits when the pane is resized.
 */
export function useFitRows<T extends HTMLElement>(rowHeight: number, reserved: number, fallback: number): [RefObject<T | null>, number] {
  const ref = useRef<T>(null)
  const [rows, setRows] = useState(fallback)
  useEffect(() => {
    const element = ref.current
    if (!element || typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(([entry]) => setRows(Math.max(1, Math.floor((entry.contentRect.height - reserved) / rowHeight))))
    observer.observe(element)
    return () => observer.disconnect()
  }, [rowHeight, reserved])
  return [ref, rows]
}
