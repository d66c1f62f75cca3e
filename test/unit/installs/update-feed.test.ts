import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { load } from 'js-yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startUpdateFeed, type UpdateFeed } from '../../../scripts/update-feed'

// electron-updater's own generic provider (the code an installed Keel runs) reads the loopback
// feed under plain Node, with electron-builder's Node HTTP executor instead of Electron's net.
interface ProviderLike {
  getLatestVersion(): Promise<{ version: string; files: { url: string; sha512: string; size: number }[] }>
  resolveFiles(info: unknown): { url: URL; info: { sha512: string; size: number } }[]
}
type ProviderCtor = new (config: unknown, updater: unknown, runtime: unknown) => ProviderLike

const { GenericProvider } = (await import('electron-updater/out/providers/GenericProvider.js')) as unknown as { GenericProvider: ProviderCtor }
const { NodeHttpExecutor } = (await import('builder-util/out/nodeHttpExecutor.js')) as unknown as { NodeHttpExecutor: new () => unknown }

let feed: UpdateFeed
beforeAll(async () => {
  feed = await startUpdateFeed({ version: '9.9.9', port: 0, payloadBytes: 256 * 1024, bytesPerSecond: 4 << 20 })
})
afterAll(() => feed.close())

function provider(platform: NodeJS.Platform, channel: string | null): ProviderLike {
  return new GenericProvider({ provider: 'generic', url: feed.url }, { channel, isAddNoCacheQuery: false }, { platform, executor: new NodeHttpExecutor(), isUseMultipleRangeRequest: false })
}

describe('loopback update feed read by electron-updater\'s GenericProvider', () => {
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    it(`${platform}: finds 9.9.9 and a payload whose sha512 and size match`, async () => {
      const p = provider(platform, null)
      const info = await p.getLatestVersion()
      expect(info.version).toBe('9.9.9')
      const [file] = p.resolveFiles(info)
      expect(file!.url.toString().startsWith(feed.url)).toBe(true)
      const body = Buffer.from(await (await fetch(file!.url)).arrayBuffer())
      expect(body.length).toBe(file!.info.size)
      expect(createHash('sha512').update(body).digest('base64')).toBe(file!.info.sha512)
    })
  }

  it('the beta channel has its own files', async () => {
    expect((await provider('linux', 'beta').getLatestVersion()).version).toBe('9.9.9')
    expect(feed.feedFile('beta-linux.yml')).toBeDefined()
  })

  it('an unknown channel is the provider\'s "channel file not found" error, as users would see it', async () => {
    await expect(provider('linux', 'nightly').getLatestVersion()).rejects.toThrow(/Cannot find channel "nightly-linux.yml"/)
  })

  it('dev-app-update.yml points a dev build at this feed\'s default port on loopback', () => {
    const dev = load(readFileSync(join(resolve(__dirname, '../../..'), 'dev-app-update.yml'), 'utf8')) as { provider: string; url: string }
    expect(dev).toMatchObject({ provider: 'generic', url: 'http://127.0.0.1:45678/' })
  })
})
