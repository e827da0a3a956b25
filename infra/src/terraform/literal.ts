/**
 * Terraform reads `${...}` and `%{...}` in every string as a template. Text that comes from a
 * manifest or a definition file (an event pattern, a schedule's input, a state machine's
 * comments) is meant literally, so it is escaped (`$${`, `%%{`) before it goes into the JSON.
 */
export function literal(text: string): string {
  // A function, not a replacement string: in one, `$$` itself means a single `$`.
  return text.replace(/([$%])\{/g, (_, sign: string) => `${sign}${sign}{`);
}

/** JSON text of `value`, escaped for Terraform. */
export function literalJson(value: unknown): string {
  return literal(JSON.stringify(value));
}
