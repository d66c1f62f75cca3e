import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { load } from 'js-yaml'
import { describe, expect, it } from 'vitest'

// The GitHub workflows cannot run here; this checks their shape, the files they name, and runs
// the release job's own shell steps (the tag checks) with bash.
const ROOT = resolve(__dirname, '../../..')

interface Step {
  name?: string
  uses?: string
  run?: string
  if?: string
  id?: string
  env?: Record<string, string>
  with?: Record<string, unknown>
}
interface Job {
  'runs-on': string
  needs?: string | string[]
  steps: Step[]
  strategy?: { matrix: { os?: string[]; include?: { os: string }[] } }
  outputs?: Record<string, string>
}
interface Workflow {
  name: string
  on: Record<string, unknown>
  permissions?: Record<string, string>
  jobs: Record<string, Job>
}

function workflow(name: string): Workflow {
  const doc = load(readFileSync(join(ROOT, '.github/workflows', name), 'utf8')) as Workflow
  expect(typeof doc.name).toBe('string')
  expect(doc.on).toBeTypeOf('object')
  expect(Object.keys(doc.jobs).length).toBeGreaterThan(0)
  for (const [id, job] of Object.entries(doc.jobs)) {
    expect(job['runs-on'], id).toBeTruthy()
    expect(job.steps.length, id).toBeGreaterThan(0)
    for (const step of job.steps) expect(Boolean(step.uses) !== Boolean(step.run), `${id}: a step has exactly one of uses/run`).toBe(true)
    for (const need of [job.needs ?? []].flat()) expect(doc.jobs, `${id} needs ${need}`).toHaveProperty(need)
  }
  // Every needs.<job>.outputs.<name> reference points at a declared output.
  for (const [, job, output] of JSON.stringify(doc).matchAll(/needs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
    expect(doc.jobs[job!]?.outputs, `needs.${job}.outputs.${output}`).toHaveProperty(output!)
  }
  return doc
}

const runs = (job: Job): string => job.steps.map((s) => s.run ?? '').join('\n')
const osList = (job: Job): string[] => job.strategy?.matrix.os ?? job.strategy?.matrix.include?.map((i) => i.os) ?? []

describe('.github/workflows/ci.yml', () => {
  const ci = workflow('ci.yml')

  it('runs npm test on Linux, macOS and Windows', () => {
    expect(ci.on).toHaveProperty('pull_request')
    expect(osList(ci.jobs.test!).sort()).toEqual(['macos-latest', 'ubuntu-latest', 'windows-latest'])
    expect(runs(ci.jobs.test!)).toMatch(/^npm test$/m)
    expect(runs(ci.jobs.test!)).toMatch(/^npm ci$/m)
  })

  it('runs the Electron smoke test after fetching the binary, under a display on Linux', () => {
    const smoke = ci.jobs['electron-smoke']!
    expect(osList(smoke)).toHaveLength(3)
    const script = runs(smoke)
    expect(script.indexOf('ensure-electron.js')).toBeLessThan(script.indexOf('vitest.electron.config.mts'))
    expect(script).toMatch(/xvfb-run -a npx vitest run --config vitest.electron.config.mts/)
    expect(smoke.steps.some((s) => s.env?.ELECTRON_SKIP_BINARY_DOWNLOAD)).toBe(false)
    for (const file of ['scripts/ensure-electron.js', 'vitest.electron.config.mts', 'test/electron/smoke.electron.ts']) expect(existsSync(join(ROOT, file)), file).toBe(true)
  })
})

describe('.github/workflows/release.yml', () => {
  const release = workflow('release.yml')
  const build = release.jobs.build!
  const publish = build.steps.find((s) => s.run?.includes('electron-builder'))!

  it('runs for version tags and may write releases', () => {
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } })
    expect(Object.keys(release.jobs)).toEqual(['check', 'build', 'publish'])
    expect(release.permissions).toEqual({ contents: 'write' })
    expect(osList(build).sort()).toEqual(['macos-latest', 'ubuntu-latest', 'windows-latest'])
  })

  it('builds upload into a draft that is published only after every platform succeeded', () => {
    expect(publish.run).toContain('--publish always')
    expect(publish.run).toContain('-c.publish.releaseType=draft')
    const final = release.jobs.publish!
    expect([final.needs].flat().sort()).toEqual(['build', 'check'])
    const script = runs(final)
    expect(script).toContain('--draft=false')
    expect(script).toMatch(/RELEASE_TYPE" = prerelease[\s\S]*--prerelease --latest=false[\s\S]*else[\s\S]*--prerelease=false --latest/)
    for (const feed of ['latest.yml', 'latest-mac.yml', 'latest-linux.yml']) expect(script).toContain(feed)
    expect(runs(release.jobs.check!)).toContain('gh release create "$GITHUB_REF_NAME" --draft')
    // Publishing by hand (npm run package -- --publish always) makes a release, not a draft.
    const config = load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as { publish: { releaseType: string } }
    expect(config.publish.releaseType).toBe('release')
  })

  it('signs from repository secrets: macOS identity + notarization, Windows certificate', () => {
    const env = publish.env!
    for (const key of ['GH_TOKEN', 'CSC_LINK', 'CSC_KEY_PASSWORD', 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID', 'WIN_CSC_LINK', 'WIN_CSC_KEY_PASSWORD']) {
      expect(env[key], key).toMatch(/\$\{\{.*secrets\.[A-Z_]+.*\}\}/)
    }
  })

  function runStep(job: Job, name: string, ref: string): { status: number | null; output: string; stderr: string } {
    const step = job.steps.find((s) => s.name === name)!
    const dir = mkdtempSync(join(tmpdir(), 'keel-gh-'))
    try {
      const out = join(dir, 'out')
      const r = spawnSync('bash', ['-e', '-c', step.run!], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, GITHUB_REF_NAME: ref, GITHUB_OUTPUT: out } })
      return { status: r.status, output: existsSync(out) ? readFileSync(out, 'utf8') : '', stderr: r.stdout + r.stderr }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }

  it('a beta tag makes a prerelease, a plain tag a release', () => {
    const check = release.jobs.check!
    expect(runStep(check, 'Release or prerelease', 'v1.4.0-beta.1').output).toBe('release-type=prerelease\n')
    expect(runStep(check, 'Release or prerelease', 'v1.4.0').output).toBe('release-type=release\n')
  })

  it('refuses a tag that does not match package.json', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    expect(runStep(release.jobs.check!, 'Version check', `v${version}`).status).toBe(0)
    const wrong = runStep(release.jobs.check!, 'Version check', 'v99.0.0')
    expect(wrong.status).toBe(1)
    expect(wrong.stderr).toContain('does not match')
  })
})
