import { useState, type FormEvent, type JSX } from 'react'
import { saveToken } from '../client'

/**
 * The host refused our token (missing, mistyped, or from an earlier host with another token).
 * Retrying cannot help, so say what is wrong and where the right token is.
 */
export function AccessScreen(): JSX.Element {
  const [token, setToken] = useState('')
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (!token.trim()) return
    saveToken(token)
    window.location.reload()
  }
  return (
    <main className="access-screen">
      <section className="access-card" role="alert" aria-labelledby="access-title">
        <h2 id="access-title">This page's access token is missing or wrong</h2>
        <p>
          The Keel host at <code>{window.location.host}</code> is running but refused the token this page sent, so nothing can be shown. This is not a connection
          problem: retrying will not help until the token matches.
        </p>
        <p>Get the right token one of these ways:</p>
        <ul>
          <li>
            Open the address <code>keel serve</code> printed when it started (it ends in <code>?token=…</code>).
          </li>
          <li>
            Read the file <code>&lt;data-dir&gt;/token</code> (the host keeps the same token across restarts unless <code>--token</code> gives another one) and paste
            it below.
          </li>
        </ul>
        <form onSubmit={submit} className="access-form" aria-label="Enter the access token">
          <input aria-label="Access token" type="password" autoComplete="off" placeholder="paste the token" value={token} onChange={(e) => setToken(e.target.value)} />
          <button type="submit" className="primary" disabled={!token.trim()}>
            Use token
          </button>
        </form>
      </section>
    </main>
  )
}
