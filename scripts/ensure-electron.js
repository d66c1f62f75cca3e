#!/usr/bin/env node
// `npm start` / `npm run dev` run this first. electron downloads its binary lazily (no
// postinstall), but electron-vite only reads electron's path.txt and never triggers that
// download, so a fresh `npm install && npm start` would fail with a stack trace. This runs
// electron's own installer when the binary is missing, and offline says so in one line.
const { spawnSync } = require('node:child_process')
const { existsSync, readFileSync } = require('node:fs')
const { dirname, join } = require('node:path')

const INSTALL_TIMEOUT_MS = 10 * 60_000

function electronDir() {
  // KEEL_ELECTRON_DIR lets a test point this at a stand-in electron package.
  if (process.env.KEEL_ELECTRON_DIR) return process.env.KEEL_ELECTRON_DIR
  return dirname(require.resolve('electron/package.json', { paths: [join(__dirname, '..')] }))
}

/** True when path.txt names an executable that exists and dist/version is this electron's. */
function isInstalled(dir) {
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  try {
    const executable = readFileSync(join(dir, 'path.txt'), 'utf8')
    if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return existsSync(join(process.env.ELECTRON_OVERRIDE_DIST_PATH, executable))
    const installed = readFileSync(join(dir, 'dist', 'version'), 'utf8').trim().replace(/^v/, '')
    return installed === version && existsSync(join(dir, 'dist', executable))
  } catch {
    return false
  }
}

/** The installer's last meaningful stderr line, so the user sees why (e.g. "fetch failed"). */
function reasonOf(stderr) {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('at '))
  return lines.at(-1) ?? 'no output from the installer'
}

function main() {
  const dir = electronDir()
  if (isInstalled(dir)) return 0
  process.stderr.write('Keel: downloading the Electron binary (first run only)…\n')
  const result = spawnSync(process.execPath, [join(dir, 'install.js')], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
    timeout: INSTALL_TIMEOUT_MS
  })
  if (result.status === 0 && isInstalled(dir)) return 0
  const reason = result.error ? result.error.message : reasonOf(result.stderr ?? '')
  process.stderr.write(
    `Keel: the Electron binary could not be downloaded (${reason}); check the network and run \`npm start\` again, or run Keel in the browser without Electron: \`npm run serve\`\n`
  )
  return 1
}

process.exit(main())
