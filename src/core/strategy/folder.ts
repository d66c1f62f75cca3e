import { join } from 'node:path'

/** Where users' strategy files live: the strategy worker loads and watches it, the host opens it. */
export function strategiesFolder(dataDir: string): string {
  return join(dataDir, 'strategies')
}
