import type { KeelClient } from '../../../shared/api'
import type { PreloadBridge } from '../../../shared/ipc-channels'
import { ElectronClient } from './electron-client'
import { HttpClient } from './http-client'

export type { ConnectionState } from './remote-call'

const TOKEN_KEY = 'keel.token'

/** In Electron the preload bridge exists; in a browser we talk to `keel serve` over HTTP. */
export function createClient(): KeelClient {
  const bridge = (window as unknown as { keelBridge?: PreloadBridge }).keelBridge
  if (bridge) return new ElectronClient(bridge)
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    // Keep the token out of the address bar and history once it is stored.
    url.searchParams.delete('token')
    window.history.replaceState(null, '', url.toString())
  }
  return new HttpClient(window.location.origin, fromUrl ?? sessionStorage.getItem(TOKEN_KEY) ?? '')
}
