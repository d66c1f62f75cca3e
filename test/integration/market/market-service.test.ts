import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CcxtFeed } from '../../../src/core/market/ccxt-feed'
import { MarketService } from '../../../src/core/market/market-service'
import { MarketStore } from '../../../src/core/storage/market/market-store'
import { type FakeExchange, startFakeExchange } from '../../support/fake-exchange/server'

describe('MarketService against a fake binance', () => {
  let fake: FakeExchange
  let dir: string
  beforeAll(async () => {
    fake = await startFakeExchange({ now: () => Date.now() })
    dir = mkdtempSync(join(tmpdir(), 'keel-market-service-'))
  })
  afterAll(async () => {
    await fake.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('hands the markets to the host once per load, not on every markets or subscribe call', async () => {
    const loaded: string[] = []
    const store = new MarketStore(join(dir, 'market.db'))
    const service = new MarketService({
      store,
      now: Date.now,
      demoSeed: 1,
      output: { event: () => {}, marketsLoaded: (exchange) => loaded.push(exchange), exchangeHealth: () => {} },
      createFeed: async (exchangeId, onEvent) =>
        new CcxtFeed({ exchangeId, onEvent, forcePolling: true, factory: { urlOverride: { http: fake.httpUrl, ws: fake.wsUrl }, rateLimitMs: 1 } })
    })
    try {
      // Each relay of a binance market list is parsed by the host, the execution worker and the
      // engine, and written to trading.db: thousands of rows for an unchanged list.
      await service.markets('binance')
      await service.subscribe({ exchange: 'binance', symbols: ['BTC/USDT'], channels: ['ticker'] })
      await service.subscribe({ exchange: 'binance', symbols: ['ETH/USDT'], channels: ['ticker'] })
      await service.markets('binance')
      expect(loaded).toEqual(['demo', 'binance'])
    } finally {
      await service.close()
      store.close()
    }
  })
})
