import { useId, type JSX, type ReactNode, type Ref } from 'react'

/** A labelled numeric input with its unit and its error right underneath (role=alert). */
export function Field({ label, unit, value, onChange, error, inputRef, placeholder, extra }: { label: string; unit?: string; value: string; onChange(value: string): void; error?: string; inputRef?: Ref<HTMLInputElement>; placeholder?: string; extra?: ReactNode }): JSX.Element {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className={`input-unit ${error ? 'invalid' : ''}`}>
        <input
          id={id}
          ref={inputRef}
          inputMode="decimal"
          autoComplete="off"
          spellCheck={false}
          placeholder={placeholder}
          value={value}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
        {unit ? <span className="unit">{unit}</span> : null}
        {extra}
      </div>
      {error ? (
        <p role="alert" id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  )
}

/** A labelled <select> over a fixed set of options. */
export function Choice<T extends string>({ label, value, options, onChange }: { label: string; value: T; options: readonly { value: T; label: string }[]; onChange(value: T): void }): JSX.Element {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  )
}
