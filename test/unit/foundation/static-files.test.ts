import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KeelError } from '../../../src/shared/errors'
import { serveStatic } from '../../../src/main/headless/static-files'
import { tempDir } from '../../support/processes'

// The static server over a real folder with real symlinks.
const dir = tempDir('keel-static-')
const root = join(dir.path, 'renderer')
let server: Server
let origin = ''

beforeAll(async () => {
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<p>keel</p>')
  writeFileSync(join(root, 'assets', 'app.js'), 'ok()')
  writeFileSync(join(dir.path, 'secret.txt'), 'secret')
  symlinkSync(join(dir.path, 'secret.txt'), join(root, 'leak.txt'))
  symlinkSync(dir.path, join(root, 'up'))
  symlinkSync(join(root, 'assets', 'app.js'), join(root, 'inside.js'))
  server = createServer((req, res) => {
    serveStatic(root, new URL(req.url ?? '/', 'http://x').pathname, res).catch((err: unknown) => {
      res.writeHead(err instanceof KeelError && err.code === 'bad_request' ? 400 : 500).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => {
  server.close()
  dir.remove()
})

const status = async (path: string): Promise<number> => (await fetch(`${origin}${path}`)).status

describe('serveStatic', () => {
  it('serves files of its folder, and symlinks that stay inside it', async () => {
    expect(await status('/')).toBe(200)
    expect(await status('/assets/app.js')).toBe(200)
    expect(await status('/inside.js')).toBe(200)
  })

  it('never follows a symlink out of its folder', async () => {
    expect(await status('/leak.txt')).toBe(403)
    expect(await status('/up/secret.txt')).toBe(403)
  })

  it('answers malformed escapes as a bad request, not a crash', async () => {
    expect(await status('/%')).toBe(400)
    expect(await status('/%ff')).toBe(400)
    expect(await status('/%00')).toBe(400)
  })
})
