import type { JSX, ReactNode } from 'react'

export interface Column<T> {
  header: string
  cell(row: T): ReactNode
  num?: boolean
  /** Column id for tests and styling. */
  id?: string
}

/** A dense table from column definitions; an empty list says so instead of showing nothing. */
export function DataTable<T>({ label, rows, columns, rowKey, rowLabel, empty }: { label: string; rows: readonly T[]; columns: readonly Column<T>[]; rowKey(row: T): string; rowLabel?(row: T): string; empty: string }): JSX.Element {
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
          rows.map((row) => (
            <tr key={rowKey(row)} aria-label={rowLabel?.(row)}>
              {columns.map((c) => (
                <td key={c.header} className={c.num ? 'num' : undefined} data-col={c.id}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))
        )}
      </tbody>
    </table>
  )
}
