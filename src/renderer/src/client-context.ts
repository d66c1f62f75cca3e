import { createContext, useContext } from 'react'
import type { KeelClient } from '../../shared/api'

export const ClientContext = createContext<KeelClient | null>(null)

export function useClient(): KeelClient {
  const client = useContext(ClientContext)
  if (!client) throw new Error('useClient outside <ClientContext.Provider>')
  return client
}
