import { useEffect } from 'react'
import type { KeelClient } from '../../../shared/api'
import { cancelAll } from '../actions/orders'
import { useTicketStore } from '../stores/ticket'

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)
}

/** Maps a key event to an action name, or null. Pure, so it is unit-testable. */
export function shortcutFor(e: { key: string; shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): 'buy' | 'sell' | 'cancelAll' | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null
  const key = e.key.toLowerCase()
  if (e.shiftKey) return key === 'x' ? 'cancelAll' : null
  if (key === 'b') return 'buy'
  if (key === 's') return 'sell'
  return null
}

/** Keyboard shortcuts (docs/user-guide.md lists them). Typing in a field never triggers one. */
export function useShortcuts(client: KeelClient): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.repeat || isTyping(e.target) || document.querySelector('[role="dialog"]')) return
      const action = shortcutFor(e)
      if (!action) return
      e.preventDefault()
      if (action === 'cancelAll') void cancelAll(client)
      else useTicketStore.getState().startOrder(action)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [client])
}
