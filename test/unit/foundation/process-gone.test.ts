import { describe, expect, it } from 'vitest'
import { workerExitFrom } from '../../../src/main/electron/process-gone'

const gone = (reason: string, exitCode: number) => ({ type: 'Utility', reason, exitCode, serviceName: 'Keel market' })

describe('workerExitFrom (Electron utility process exits, as headless reports them)', () => {
  it('turns a signalled end on POSIX into the signal name', () => {
    expect(workerExitFrom(9, gone('killed', 9), 'linux')).toEqual({ code: null, signal: 'SIGKILL', reason: 'killed' })
    expect(workerExitFrom(11, gone('crashed', 11), 'darwin')).toEqual({ code: null, signal: 'SIGSEGV', reason: 'crashed' })
    expect(workerExitFrom(6, gone('crashed', 6), 'linux')).toEqual({ code: null, signal: 'SIGABRT', reason: 'crashed' })
    expect(workerExitFrom(9, gone('oom', 9), 'linux')).toEqual({ code: null, signal: 'SIGKILL', reason: 'oom' })
  })

  it('keeps exit codes for exits, launch failures and Windows', () => {
    expect(workerExitFrom(3, gone('abnormal-exit', 3), 'linux')).toEqual({ code: 3, signal: null, reason: 'abnormal-exit' })
    expect(workerExitFrom(0, gone('clean-exit', 0), 'linux')).toEqual({ code: 0, signal: null, reason: 'clean-exit' })
    expect(workerExitFrom(null, gone('launch-failed', 1002), 'linux')).toEqual({ code: 1002, signal: null, reason: 'launch-failed' })
    expect(workerExitFrom(1, gone('killed', 1), 'win32')).toEqual({ code: 1, signal: null, reason: 'killed' })
    expect(workerExitFrom(-1073741819, gone('crashed', -1073741819), 'win32')).toEqual({ code: -1073741819, signal: null, reason: 'crashed' })
  })

  it('falls back to the exit event alone when no details arrived', () => {
    expect(workerExitFrom(7, undefined, 'linux')).toEqual({ code: 7, signal: null, reason: null })
  })
})
