/** A strategy that cannot be used, with where in the user's file (when known) and why. */

export type LoadStage = 'read' | 'compile' | 'load' | 'validate'

export interface SourceLocation {
  file: string
  line: number
  column: number
}

export class StrategyLoadError extends Error {
  constructor(
    readonly stage: LoadStage,
    readonly detail: string,
    readonly location?: SourceLocation,
    readonly userStack?: string
  ) {
    super(location ? `${location.file}:${location.line}:${location.column}: ${detail}` : detail)
    this.name = 'StrategyLoadError'
  }
}
