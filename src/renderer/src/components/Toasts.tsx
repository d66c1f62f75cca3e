import { useEffect, type JSX } from 'react'
import { toastMs, useAlertsStore, type LogEntry } from '../stores/alerts'

function Toast({ toast }: { toast: LogEntry }): JSX.Element {
  const dismiss = useAlertsStore((s) => s.dismiss)
  useEffect(() => {
    // Errors stay longer than news; every toast is also in the log, so none is lost when it goes.
    const timer = setTimeout(() => dismiss(toast.id), toastMs(toast.level))
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
