import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { renderApiDocs } from '../../../scripts/api-docs'

describe('docs/api.md', () => {
  it('matches the API schemas (run `npm run docs:api` after changing src/shared)', () => {
    const onDisk = readFileSync(join(__dirname, '../../../docs/api.md'), 'utf8')
    expect(onDisk === renderApiDocs()).toBe(true)
  })
})
