import type { JSX, ReactNode } from 'react'

export interface Column<T> {
  header: string
  cell(row: T): ReactNode
  num?: boolean
  /** Column id for tests and styling. */
  id?: string
  /** The full text as a tooltip, for cells that may be cut. */
  title?(row: T): string | undefined
}

/** A row across the whole table: a group's name, or a marker such as an account reset. */
export interface HeadingRow {
  kind: 'heading'
  key: string
  text: string
  tone?: 'group' | 'reset'
}

export function isHeading(row: unknown): row is HeadingRow {
  return typeof row === 'object' && row !== null && (row as Partial<HeadingRow>).kind === 'heading'
}

/** A dense table from column definitions; an empty list says so instead of showing nothing. */
export function DataTable<T>({
  label,
  rows,
  columns,
  rowKey,
  rowLabel,
  rowClass,
  empty
}: {
  label: string
  rows: readonly (T | HeadingRow)[]
  columns: readonly Column<T>[]
  rowKey(row: T): string
  rowLabel?(row: T): string
  rowClass?(row: T): string | undefined
  empty: string
}): JSX.Element {
  return (
    <table className="grid data" aria-label={label}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.header} scope="col" className={c.num ? 'num' : undefined}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={columns.length} className="empty">
              {empty}
            </td>
          </tr>
        ) : (
          rows.map((row) =>
            isHeading(row) ? (
              <tr key={row.key} className={`heading-row heading-${row.tone ?? 'group'}`} data-heading={row.tone ?? 'group'}>
                <td colSpan={columns.length}>{row.text}</td>
              </tr>
            ) : (
              <tr key={rowKey(row)} aria-label={rowLabel?.(row)} className={rowClass?.(row)}>
                {columns.map((c) => (
                  <td key={c.header} className={c.num ? 'num' : undefined} data-col={c.id} title={c.title?.(row)}>
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            )
          )
        )}
      </tbody>
    </table>
  )
}

/**
 * Rows are newest first: a reset heading goes before the first row older than the reset, so
 * what came before it is visibly the old account's.
 */
export function withResetMarker<T>(rows: readonly T[], timeOf: (row: T) => number, resetAt: number | undefined, text: string): (T | HeadingRow)[] {
  if (resetAt === undefined) return [...rows]
  const i = rows.findIndex((r) => timeOf(r) < resetAt)
  if (i < 0) return [...rows]
  return [...rows.slice(0, i), { kind: 'heading', key: `reset-${resetAt}`, text, tone: 'reset' }, ...rows.slice(i)]
}
