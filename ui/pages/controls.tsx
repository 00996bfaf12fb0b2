// Form controls the pages share.
import { zh, type LabelKey } from '../i18n.js';
import { T } from './layout.js';

export interface SelectProps {
  name: string;
  label: LabelKey;
  /** Each option's value and the label key of its text. */
  options: ReadonlyArray<{ value: string; label: LabelKey }>;
  /** Adds a first option "全部" with the empty value. */
  withAll?: boolean;
  selected?: string;
}

export function Select({ name, label, options, withAll, selected }: SelectProps) {
  return (
    <label class="field">
      <T k={label} />
      <select name={name}>
        {withAll ? (
          <option value="" data-i18n="common.all">
            {zh('common.all')}
          </option>
        ) : null}
        {options.map((o) => (
          <option value={o.value} data-i18n={o.label} selected={o.value === selected}>
            {zh(o.label)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Options for a list of codes whose labels are `<prefix>.<code>`. */
export function codeOptions<C extends string, P extends string>(prefix: P, codes: readonly C[]) {
  return codes.map((value) => ({ value, label: `${prefix}.${value}` as LabelKey }));
}
