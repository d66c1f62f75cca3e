/** "fast=10, slow=30, flag=true" → typed values (numbers and booleans where they read as such). */
export function parseParamText(text: string): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {}
  for (const part of text.split(/[,\s]+/).filter(Boolean)) {
    const eq = part.indexOf('=')
    if (eq <= 0) throw new Error(`"${part}" is not name=value`)
    const raw = part.slice(eq + 1)
    out[part.slice(0, eq)] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw
  }
  return out
}
