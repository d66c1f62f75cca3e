import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { KEEL_STRATEGY_DTS } from './sdk-dts'

/**
 * Puts what users' editors need beside their strategies: the `keel/strategy` declarations and
 * a tsconfig.json whose `paths` point the import at them. Rewritten when Keel's copy changed;
 * a tsconfig.json the user wrote is left alone.
 */
export async function writeStrategySdk(folder: string): Promise<void> {
  const dts = join(folder, 'keel-strategy.d.ts')
  const current = await readFile(dts, 'utf8').catch(() => '')
  if (current !== KEEL_STRATEGY_DTS) await writeFile(dts, KEEL_STRATEGY_DTS)
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      strict: true,
      noEmit: true,
      paths: { 'keel/strategy': ['./keel-strategy.d.ts'] }
    },
    include: ['*.ts']
  }
  await writeFile(join(folder, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`, { flag: 'wx' }).catch(() => undefined)
}
