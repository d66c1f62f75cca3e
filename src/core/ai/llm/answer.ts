import { Analysis, type Analysis as AnalysisType } from '../../../shared/ai'
import { describeZodError } from '../../../shared/errors'

/**
 * The model's text, checked against the Analysis schema. Models wrap JSON in prose or code
 * fences; the first balanced {...} is taken. Anything else is an error with the reason.
 */
export function parseAnalysis(text: string): AnalysisType {
  const start = text.indexOf('{')
  const end = text.lastIndexOf('}')
  if (start < 0 || end <= start) throw new Error('the answer holds no JSON object')
  let json: unknown
  try {
    json = JSON.parse(text.slice(start, end + 1))
  } catch {
    throw new Error('the answer is not valid JSON')
  }
  const parsed = Analysis.safeParse(json)
  if (!parsed.success) throw new Error(`the answer does not match the analysis schema: ${describeZodError(parsed.error)}`)
  return parsed.data
}
