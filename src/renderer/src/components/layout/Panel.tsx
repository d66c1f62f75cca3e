import type { JSX, ReactNode } from 'react'

/** The chrome every pane shares: a titled region with optional header actions. */
export function Panel({ title, actions, className = '', children }: { title: ReactNode; actions?: ReactNode; className?: string; children: ReactNode }): JSX.Element {
  const label = typeof title === 'string' ? title : undefined
  return (
    <section className={`panel ${className}`} aria-label={label}>
      <header className="panel-head">
        <h2>{title}</h2>
        {actions ? <div className="panel-actions">{actions}</div> : null}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  )
}
