/** The message of anything thrown, for showing to the trader. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
