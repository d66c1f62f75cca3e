import { describe, expect, it } from 'vitest'
import { DEFAULT_PORT, defaultDataDir, parseCli } from '../../../src/main/headless/cli-args'

describe('keel CLI arguments', () => {
  it('defaults to serve on loopback at the default port', () => {
    const cmd = parseCli([])
    expect(cmd).toMatchObject({ kind: 'serve', options: { port: DEFAULT_PORT, host: '127.0.0.1', token: undefined } })
  })

  it('takes every flag', () => {
    expect(parseCli(['serve', '--port', '0', '--host', '0.0.0.0', '--data-dir', '/d', '--token', 'abcdefgh'])).toEqual({
      kind: 'serve',
      options: { port: 0, host: '0.0.0.0', dataDir: '/d', token: 'abcdefgh' }
    })
  })

  it('takes supervision tuning', () => {
    expect(parseCli(['--max-restarts', '50', '--restart-window', '30', '--freeze-after', '1500'])).toMatchObject({
      options: { maxRestarts: 50, restartWindowMs: 30_000, freezeAfterMs: 1500 }
    })
    expect(() => parseCli(['--freeze-after', '10'])).toThrow('--freeze-after must be an integer from 500')
  })

  it.each([
    [['--port=-1'], '--port must be an integer'],
    [['--port', '70000'], '--port must be an integer'],
    [['--port', '1.5'], '--port must be an integer'],
    [['--token', 'short'], '--token must be at least 8'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['launch'], 'unknown command "launch"']
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(message)
  })

  it('puts data where the desktop app keeps it, unless KEEL_DATA_DIR says otherwise', () => {
    expect(defaultDataDir({ KEEL_DATA_DIR: '/x' }, 'linux')).toBe('/x')
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/Keel')
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\t\\AppData\\Roaming' }, 'win32')).toContain('Keel')
  })
})
