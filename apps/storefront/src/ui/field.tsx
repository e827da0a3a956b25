/** The input attributes the shop's forms use. */
interface InputProps {
  type?: 'text' | 'email' | 'password' | 'number' | 'tel' | 'date';
  autoComplete?: string;
  inputMode?: 'text' | 'numeric' | 'decimal' | 'email' | 'tel';
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  min?: number;
  max?: number;
  value?: string;
  defaultValue?: string | undefined;
  onInput?: (event: Event & { currentTarget: HTMLInputElement }) => void;
}

/** A labelled input with its hint and, when the API refused its value, the reason next to it. */
export function Field({ name, label, hint, error, ...input }: { name: string; label: string; hint?: string; error?: string | undefined } & InputProps) {
  const id = `field-${name.replace(/\W/g, '-')}`;
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={error ? 'field field-invalid' : 'field'}>
      <label for={id}>{label}</label>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {/* Preact types an input by its `type`; these props are checked by InputProps above. */}
      <input id={id} name={name} aria-invalid={error ? 'true' : undefined} aria-describedby={described || undefined} {...(input as Record<string, unknown>)} />
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** Field errors the form shows no field for (a request's `body`, an unknown field), said once below the form. */
export function OtherFieldErrors({ fields, shown }: { fields: Record<string, string> | undefined; shown: readonly string[] }) {
  const rest = Object.entries(fields ?? {}).filter(([name]) => !shown.includes(name));
  return rest.length ? <p class="field-error">{rest.map(([, message]) => message).join(' ')}</p> : null;
}

/** A text field's value as sent: trimmed, empty when the form has no such field. */
export function textOf(form: FormData, name: string): string {
  return String(form.get(name) ?? '').trim();
}
