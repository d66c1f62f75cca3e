/** A set that forgets its oldest entries past `capacity` (insertion order), for dedupe windows. */
export class BoundedSet<T> {
  private readonly items = new Set<T>()
  constructor(private readonly capacity: number) {}

  /** True if `item` was new. */
  add(item: T): boolean {
    if (this.items.has(item)) return false
    this.items.add(item)
    if (this.items.size > this.capacity) this.items.delete(this.items.values().next().value as T)
    return true
  }
}
