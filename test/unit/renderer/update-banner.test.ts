import { describe, expect, it } from 'vitest'
import { updateMessage } from '../../../src/renderer/src/components/update/UpdateBanner'
import { initialUpdateStatus } from '../../../src/main/updater-state'

const idle = initialUpdateStatus('1.0.0', 'stable')

describe('update strip text', () => {
  it('says nothing while idle, up to date or disabled', () => {
    for (const state of ['idle', 'not-available', 'disabled', 'checking'] as const) expect(updateMessage({ ...idle, state })).toBeUndefined()
  })

  it('available → downloading with percent and MB → ready; an error names its cause', () => {
    expect(updateMessage({ ...idle, state: 'available', version: '1.1.0' })?.text).toBe('Keel 1.1.0 is available; downloading…')
    const progress = { percent: 37.9, transferred: 3 * 1_048_576, total: 8 * 1_048_576, bytesPerSecond: 1 }
    expect(updateMessage({ ...idle, state: 'downloading', version: '1.1.0', progress })?.text).toBe('Downloading Keel 1.1.0: 37% (3.0 of 8.0 MB)')
    expect(updateMessage({ ...idle, state: 'ready', version: '1.1.0' })).toEqual({ tone: 'ok', text: 'Keel 1.1.0 is ready.' })
    expect(updateMessage({ ...idle, state: 'error', error: 'sha512 checksum mismatch' })).toEqual({ tone: 'bad', text: 'Update check failed: sha512 checksum mismatch' })
  })
})
