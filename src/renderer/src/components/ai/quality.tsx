import type { JSX } from 'react'
import type { LiveRecord, Quality } from '../../../../shared/ai'

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`

/** "53.2% ±1.8 vs 50.6%" with the p-value in the tooltip, and the verdict: edge or no edge. */
export function QualityCell({ quality }: { quality: Quality | null }): JSX.Element {
  if (!quality) return <span className="ai-dim">measuring…</span>
  const half = (quality.interval.upper - quality.interval.lower) / 2
  const title = `out of sample: ${quality.hits}/${quality.n} hits, 95% Wilson interval ${pct(quality.interval.lower)}–${pct(quality.interval.upper)}; baselines: majority class ${pct(quality.baselines.majorityClass)}, always long ${pct(quality.baselines.alwaysLong)}; permutation p = ${quality.pValue.toFixed(3)}`
  return (
    <span className="ai-quality" title={title}>
      {pct(quality.hitRate)} <span className="ai-dim">±{(half * 100).toFixed(1)} vs {pct(quality.baseline)}</span> <EdgeFlag edge={quality.edge} />
    </span>
  )
}

export function EdgeFlag({ edge }: { edge: boolean }): JSX.Element {
  return edge ? <span className="badge ok">edge</span> : <span className="badge warn">no edge</span>
}

export function LiveCell({ live }: { live: LiveRecord }): JSX.Element {
  if (!live.n || live.hitRate === null) return <span className="ai-dim">no resolved predictions</span>
  return (
    <span title={`${live.hits} of ${live.n} live predictions right`}>
      {pct(live.hitRate)} <span className="ai-dim">of {live.n}</span>
    </span>
  )
}

export const formatUsd = (x: number): string => `$${x < 0.01 && x > 0 ? x.toFixed(5) : x.toFixed(2)}`
