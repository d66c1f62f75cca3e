/** Keeps the last N lines of a stream (a worker's stderr) for crash records. */
export class LineTail {
  private lines: string[] = []
  constructor(private readonly capacity: number) {}
  push(line: string): void {
    this.lines.push(line.length > 500 ? `${line.slice(0, 500)}…` : line)
    if (this.lines.length > this.capacity) this.lines.shift()
  }
  snapshot(): string[] {
    return [...this.lines]
  }
  clear(): void {
    this.lines = []
  }
}
