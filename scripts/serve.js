#!/usr/bin/env node
// `npm run serve -- [flags]`: build if the build is missing or older than the sources, then run
// `keel serve` with the flags passed through.
const { spawnSync } = require('node:child_process')
const { existsSync, statSync, readdirSync } = require('node:fs')
const { join } = require('node:path')

const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`Keel needs Node.js 22.12 or newer (this is ${process.version}).`)
  process.exit(1)
}

const root = join(__dirname, '..')
const cli = join(root, 'out/main/cli.js')

function newestMtime(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

const sources = ['src', 'workers'].map((d) => newestMtime(join(root, d)))
if (!existsSync(cli) || Math.max(...sources) > statSync(cli).mtimeMs) {
  console.error('Building Keel…')
  const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}
require(cli)
