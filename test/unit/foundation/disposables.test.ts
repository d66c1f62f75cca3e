import { EventEmitter } from 'node:events'
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

  it('removes the emitter listeners it added, and only those', () => {
    const app = new EventEmitter()
    const d = new Disposables()
    const ours = vi.fn()
    const theirs = vi.fn()
    app.on('activate', theirs)
    d.listen(app, 'activate', ours)
    app.emit('activate')
    d.dispose()
    app.emit('activate')
    expect(ours).toHaveBeenCalledTimes(1)
    expect(theirs).toHaveBeenCalledTimes(2)
    expect(app.listenerCount('activate')).toBe(1)
  })
})
