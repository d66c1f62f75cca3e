import { useEffect, type JSX } from 'react'
import { TOAST_MS, useAlertsStore, type LogEntry } from '../stores/alerts'

function Toast({ toast }: { toast: LogEntry }): JSX.Element {
  const dismiss = useAlertsStore((s) => s.dismiss)
  useEffect(() => {
    // Errors stay until dismissed: a crash or rejection must not slip by unseen.
    if (toast.level === 'error') return
    const timer = setTimeout(() => dismiss(toast.id), TOAST_MS)
    return () => clearTimeout(timer)
  }, [toast, dismiss])
  return (
    <div className={`toast toast-${toast.level}`} role={toast.level === 'error' ? 'alert' : 'status'}>
      <span>{toast.text}</span>
      <button type="button" className="link" aria-label="Dismiss notification" onClick={() => dismiss(toast.id)}>
        ×
      </button>
    </div>
  )
}

export function Toasts(): JSX.Element {
  const toasts = useAlertsStore((s) => s.toasts)
  return (
    <div className="toasts" role="region" aria-label="Notifications">
      {toasts.map((t) => (
        <Toast key={t.id} toast={t} />
      ))}
    </div>
  )
}
