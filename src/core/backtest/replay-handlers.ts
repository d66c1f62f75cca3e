import { ListFillsResult, type Fill } from '../../shared/trading'
import type { CompareReplayParams } from '../../shared/replay'
import { compareReplay, listRecordings, type LiveFills } from './replay-service'
import { fillSeq } from './replay-run'

/**
 * The replay API methods (api.ts "── replay ──") in the strategy worker. The journal's fills
 * are asked of their owner, the execution worker, page by page (newest first) down to the
 * recording's first fill; its answers are parsed here, at this process's edge.
 */
export function replayHandlers(dataDir: string, call: (method: string, params: unknown) => Promise<unknown>) {
  const liveFills: LiveFills = async (account, fromSeq) => {
    const fills: Fill[] = []
    let cursor: string | undefined
    for (;;) {
      const page = ListFillsResult.parse(await call('listFills', cursor === undefined ? { account, limit: 1000 } : { account, limit: 1000, cursor }))
      fills.push(...page.fills)
      const oldest = page.fills[page.fills.length - 1]
      if (!page.nextCursor || !oldest || fillSeq(oldest.id) < fromSeq) return fills
      cursor = page.nextCursor
    }
  }
  return {
    listRecordings: () => listRecordings(dataDir),
    compareReplay: (params: CompareReplayParams) => compareReplay(dataDir, params, liveFills)
  }
}
