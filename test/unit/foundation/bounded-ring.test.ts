import { describe, expect, it } from 'vitest'
import { BoundedRing } from '../../../src/core/util/bounded-ring'

describe('BoundedRing', () => {
  it('keeps the newest items and counts what it dropped', () => {
    const ring = new BoundedRing<number>(3)
    for (let i = 1; i <= 5; i++) ring.push(i)
    expect(ring.size).toBe(3)
    expect(ring.drain()).toEqual({ items: [3, 4, 5], dropped: 2 })
    expect(ring.drain()).toEqual({ items: [], dropped: 0 })
    expect(() => new BoundedRing(0)).toThrow(/positive/)
  })
})
