// One labelled input of the borrower app, with the place its error is shown (data-error-for).
export function Field({
  name,
  label,
  type = 'text',
  ...rest
}: { name: string; label: string; type?: string } & Record<string, unknown>) {
  return (
    <label class="m-field">
      <span>{label}</span>
      <input name={name} type={type} {...rest} />
      <small class="m-field-error" data-error-for={name} hidden></small>
    </label>
  );
}

/** A select the script fills (options come from the product or m-site.js). */
export function Choice({ name, label }: { name: string; label: string }) {
  return (
    <label class="m-field">
      <span>{label}</span>
      <select name={name}></select>
      <small class="m-field-error" data-error-for={name} hidden></small>
    </label>
  );
}
