/** A frame unacknowledged this long is written off: the page it went to reloaded or went away. */
export const FRAME_ACK_STALL_MS = 5_000

/**
 * One event frame in flight per renderer. The IPC bridge sends a frame and waits for the
 * renderer's ack before the fan-out may deliver the next, so a renderer that stops reading
 * (busy, hung, paused in a debugger) costs the fan-out's bounded queues instead of an IPC
 * backlog that grows in the main process. Targets are webContents ids; a different target
 * (a new window) is never held back by the old one's missing ack.
 */
export class FrameCredit {
  private awaiting: { target: number; at: number } | undefined

  constructor(private readonly now: () => number = Date.now) {}

  /** May a frame go to `target` now? */
  ready(target: number): boolean {
    const owed = this.awaiting
    return !owed || owed.target !== target || this.now() - owed.at >= FRAME_ACK_STALL_MS
  }

  sent(target: number): void {
    this.awaiting = { target, at: this.now() }
  }

  /** An ack counts only from the target that owes one. */
  acked(from: number): void {
    if (this.awaiting?.target === from) this.awaiting = undefined
  }
}
