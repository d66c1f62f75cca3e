/**
 * A fixed-capacity FIFO that overwrites its oldest item when full: how a slow consumer of a
 * stream (a UI client behind on trades) keeps bounded memory and learns how much it missed.
 */
export class BoundedRing<T> {
  private readonly items: (T | undefined)[]
  private head = 0
  private count = 0
  dropped = 0

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`ring capacity must be a positive integer, got ${capacity}`)
    this.items = new Array(capacity)
  }

  get size(): number {
    return this.count
  }

  push(item: T): void {
    const tail = (this.head + this.count) % this.capacity
    this.items[tail] = item
    if (this.count < this.capacity) this.count += 1
    else {
      this.head = (this.head + 1) % this.capacity
      this.dropped += 1
    }
  }

  /** Removes and returns everything, oldest first, with the drop count since the last drain. */
  drain(): { items: T[]; dropped: number } {
    const items: T[] = []
    for (let i = 0; i < this.count; i++) {
      const index = (this.head + i) % this.capacity
      items.push(this.items[index] as T)
      this.items[index] = undefined
    }
    const dropped = this.dropped
    this.head = 0
    this.count = 0
    this.dropped = 0
    return { items, dropped }
  }
}
