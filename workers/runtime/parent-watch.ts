/**
 * Belt and braces against orphans: if our parent changes (the host was SIGKILLed and we were
 * re-parented to init or a subreaper), exit. Checked on the heartbeat tick, so it costs nothing.
 */
export function parentChanged(initialPpid: number): boolean {
  return process.platform !== 'win32' && process.ppid !== initialPpid
}
