import { describe, expect, it, vi } from 'vitest'
import { Disposables } from '../../../src/core/util/disposables'

describe('Disposables', () => {
  it('undoes everything registered, newest first, once', () => {
    const order: string[] = []
    const d = new Disposables()
    d.add(() => order.push('listener'))
    d.add(() => order.push('timer'))
    d.dispose()
    d.dispose()
    expect(order).toEqual(['timer', 'listener'])
  })

  it('runs at once what is registered after disposal, and clears its timers', () => {
    vi.useFakeTimers()
    try {
      const d = new Disposables()
      const tick = vi.fn()
      d.interval(tick, 10)
      vi.advanceTimersByTime(25)
      expect(tick).toHaveBeenCalledTimes(2)
      d.dispose()
      vi.advanceTimersByTime(100)
      expect(tick).toHaveBeenCalledTimes(2)
      const late = vi.fn()
      d.add(late)
      expect(late).toHaveBeenCalledTimes(1)
    } finally {
      vi.useRealTimers()
    }
  })
})
