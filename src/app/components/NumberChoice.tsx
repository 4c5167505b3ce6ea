/** A labelled select among a few numbers, e.g. importance samples or a sample size. */
export interface NumberChoiceProps {
  label: string;
  value: number;
  choices: readonly number[];
  onChange: (value: number) => void;
  disabled?: boolean;
  /** How a choice reads; its plain digits by default. */
  format?: (value: number) => string;
}

export function NumberChoice({ label, value, choices, onChange, disabled, format = String }: NumberChoiceProps) {
  return (
    <label>
      {label}{' '}
      <select value={value} onChange={(e) => onChange(Number(e.target.value))} disabled={disabled}>
        {choices.map((c) => (
          <option key={c} value={c}>
            {format(c)}
          </option>
        ))}
      </select>
    </label>
  );
}
