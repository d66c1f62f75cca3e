import { useMemo, useState, type JSX } from 'react'
import type { Objective, SweepPointResult } from '../../../../shared/backtest'
import { formatObjective } from './BaseRequestFields'
import { heatColor, heatmap } from './heatmap'

/** Two of a sweep's params as a grid of cells coloured by the objective; a click opens that point's backtest. */
export function SweepHeatmap(props: { axes: string[]; points: SweepPointResult[]; objective: Objective; onOpen(point: SweepPointResult): void }): JSX.Element | null {
  const { axes, points, objective } = props
  const [xName, setX] = useState(axes[1] ?? axes[0])
  const [yName, setY] = useState(axes[0])
  const x = axes.includes(xName) ? xName : (axes[1] ?? axes[0])
  const y = axes.includes(yName) ? yName : axes[0]
  const map = useMemo(() => heatmap(points, x, y, objective), [points, x, y, objective])
  if (axes.length === 0) return null
  return (
    <div className="sweep-heatmap">
      {axes.length > 2 ? (
        <div style={{ display: 'flex', gap: 8, fontSize: 11 }}>
          <label>
            Columns{' '}
            <select value={x} onChange={(e) => setX(e.target.value)}>
              {axes.map((a) => (
                <option key={a}>{a}</option>
              ))}
            </select>
          </label>
          <label>
            Rows{' '}
            <select value={y} onChange={(e) => setY(e.target.value)}>
              {axes.map((a) => (
                <option key={a}>{a}</option>
              ))}
            </select>
          </label>
          <span className="muted">each cell: the best over the other params</span>
        </div>
      ) : null}
      <div
        role="grid"
        aria-label="Sweep heatmap"
        style={{ display: 'grid', gridTemplateColumns: `auto repeat(${map.xs.length}, minmax(44px, 96px))`, gap: 2, fontSize: 11, width: 'max-content' }}
      >
        <div role="row" style={{ display: 'contents' }}>
          <span role="columnheader" className="muted">
            {y} ↓ {x} →
          </span>
          {map.xs.map((v) => (
            <span role="columnheader" key={String(v)} style={{ textAlign: 'center' }}>
              {String(v)}
            </span>
          ))}
        </div>
        {map.ys.map((row) => (
          <div role="row" key={String(row)} style={{ display: 'contents' }}>
            <span role="rowheader">{String(row)}</span>
            {map.xs.map((col) => {
              const cell = map.cells.find((c) => c.x === col && c.y === row)
              if (!cell) return <span key={String(col)} />
              const label = `${y}=${String(row)}, ${x}=${String(col)}: ${formatObjective(objective, cell.value)}`
              return (
                <button
                  type="button"
                  role="gridcell"
                  key={String(col)}
                  aria-label={label}
                  title={cell.point.error ?? `${label} — click to open its backtest`}
                  data-value={cell.value === null ? '' : String(cell.value)}
                  data-point={cell.point.index}
                  onClick={() => props.onOpen(cell.point)}
                  style={{ background: heatColor(cell.value, map.min, map.max), color: '#fff', border: 0, padding: '6px 2px', cursor: 'pointer', fontSize: 11 }}
                >
                  {formatObjective(objective, cell.value)}
                </button>
              )
            })}
          </div>
        ))}
      </div>
    </div>
  )
}
