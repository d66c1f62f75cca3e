import type { JSX, ReactNode } from 'react'
import { useDocked } from '../../layout/dock'

/**
 * The chrome every pane shares: a titled region with optional header actions. Inside a tab of
 * the tab group the tab is the title: the panel keeps only its actions bar.
 */
export function Panel({ title, actions, className = '', children }: { title: ReactNode; actions?: ReactNode; className?: string; children: ReactNode }): JSX.Element {
  const docked = useDocked()
  const label = typeof title === 'string' ? title : undefined
  if (docked) {
    return (
      <section className={`panel docked ${className}`} aria-label={label}>
        {actions ? <div className="docked-actions">{actions}</div> : null}
        <div className="panel-body">{children}</div>
      </section>
    )
  }
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
