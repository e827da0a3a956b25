/**
 * Task states name their function with a placeholder, `${service/function}` (as the Task's
 * `Resource`, or as `Parameters.FunctionName` of a `lambda:invoke.waitForTaskToken` task).
 * Infra substitutes function ARNs before it deploys the definition; the local cloud substitutes
 * its own before it runs it. Both read placeholders through this file, so they read the definition alike.
 */
const PLACEHOLDER = /\$\{([a-z][a-z0-9-]*\/[a-z][a-z0-9-]*)\}/g;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The `service/function` a string names when the whole string is one placeholder (a Task's `Resource`, a `FunctionName`). */
export function placeholderRef(value: string): string | undefined {
  const whole = new RegExp(`^${PLACEHOLDER.source}$`).exec(value);
  return whole?.[1];
}

/**
 * A copy of `asl` with every `${service/function}` placeholder in its string values replaced by
 * `resolveFunctionArn(ref)`. Pure: `asl` is not changed. Keys are left alone.
 */
export function renderDefinition(asl: object, resolveFunctionArn: (ref: string) => string): object {
  const render = (value: Json): Json => {
    if (typeof value === 'string') return value.replace(PLACEHOLDER, (_, ref: string) => resolveFunctionArn(ref));
    if (Array.isArray(value)) return value.map(render);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v)]));
    return value;
  };
  return render(asl as Json) as object;
}

/**
 * The `service/function` references a definition's placeholders name, each once, in the order
 * they first appear: the functions the state machine's role must be allowed to invoke.
 */
export function functionRefs(asl: object): string[] {
  const refs = new Set<string>();
  renderDefinition(asl, (ref) => {
    refs.add(ref);
    return ref;
  });
  return [...refs];
}
