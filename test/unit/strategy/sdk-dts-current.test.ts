import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { renderSdkDtsModule } from '../../../scripts/sdk-dts'

describe('src/core/strategy/sdk-dts.ts', () => {
  it('is generated from contract.ts as it stands (run `npm run sdk:dts` after changing contract.ts or the types it imports)', () => {
    const onDisk = readFileSync(join(__dirname, '../../../src/core/strategy/sdk-dts.ts'), 'utf8')
    expect(onDisk === renderSdkDtsModule()).toBe(true)
  }, 60_000)
})
