import type { KeelClient } from '../../../shared/api'
import type { PreloadBridge } from '../../../shared/ipc-channels'
import { ElectronClient } from './electron-client'
import { HttpClient } from './http-client'

export type { ConnectionState } from './remote-call'

const TOKEN_KEY = 'keel.token'

/**
 * The token is kept per origin (localStorage): a bookmark or a second tab of the same host works
 * without the `?token=` the host printed, as long as the host keeps its token.
 */
export function saveToken(token: string): void {
  localStorage.setItem(TOKEN_KEY, token.trim())
}

/** In Electron the preload bridge exists; in a browser we talk to `keel serve` over HTTP. */
export function createClient(): KeelClient {
  const bridge = (window as unknown as { keelBridge?: PreloadBridge }).keelBridge
  if (bridge) return new ElectronClient(bridge)
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    saveToken(fromUrl)
    // Keep the token out of the address bar and history once it is stored.
    url.searchParams.delete('token')
    window.history.replaceState(null, '', url.toString())
  }
  return new HttpClient(window.location.origin, fromUrl ?? localStorage.getItem(TOKEN_KEY) ?? sessionStorage.getItem(TOKEN_KEY) ?? '')
}
