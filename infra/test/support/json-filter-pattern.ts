/**
 * Whether a CloudWatch Logs JSON filter pattern matches a JSON log event, for the part of the
 * syntax the stacks' metric filters use: `{ … }` around comparisons of a field with a string,
 * `($.field = "text")` or `!=`, where `*` in the string stands for any characters (`"4*"`), joined by
 * `&&` or `||`, with parentheses wherever the two are mixed.
 * Anything else throws, so that a pattern using more of the syntax is not silently misread here.
 * As in CloudWatch, a comparison on a field the event does not have matches nothing.
 */
export function matchesJsonPattern(pattern: string, event: Record<string, unknown>): boolean {
  const body = /^\{(.*)\}$/s.exec(pattern.trim())?.[1];
  if (body === undefined) throw new Error(`not a JSON filter pattern: ${pattern}`);
  const tokens = [...body.matchAll(/\s*(\(|\)|&&|\|\||!=|=|\$(?:\.\w+)+|"(?:[^"\\]|\\.)*"|\S)/g)].map((m) => m[1]!);
  let at = 0;
  const next = (): string => {
    const token = tokens[at++];
    if (token === undefined) throw new Error(`unexpected end of ${pattern}`);
    return token;
  };

  const comparison = (selector: string): boolean => {
    const operator = next();
    const literal = next();
    if (!selector.startsWith('$.') || (operator !== '=' && operator !== '!=') || !literal.startsWith('"')) {
      throw new Error(`unsupported comparison ${selector} ${operator} ${literal} in ${pattern}`);
    }
    const value = JSON.parse(literal) as string;
    const actual = selector
      .slice(2)
      .split('.')
      .reduce<unknown>((object, key) => (object !== null && typeof object === 'object' ? (object as Record<string, unknown>)[key] : undefined), event);
    if (actual === undefined) return false;
    return operator === '=' ? matchesValue(actual, value) : !matchesValue(actual, value);
  };

  const term = (): boolean => {
    const token = next();
    if (token !== '(') return comparison(token);
    const inner = expression();
    if (next() !== ')') throw new Error(`unbalanced parentheses in ${pattern}`);
    return inner;
  };

  const expression = (): boolean => {
    let result = term();
    let joiner: string | undefined;
    while (tokens[at] === '&&' || tokens[at] === '||') {
      const operator = next();
      if (joiner !== undefined && operator !== joiner) throw new Error(`&& and || mixed without parentheses in ${pattern}`);
      joiner = operator;
      const right = term();
      result = operator === '&&' ? result && right : result || right;
    }
    return result;
  };

  const result = expression();
  if (at !== tokens.length) throw new Error(`unexpected ${tokens[at]} in ${pattern}`);
  return result;
}

/** A field's value against a pattern's string, whose `*` stands for any characters, however many. */
function matchesValue(actual: unknown, value: string): boolean {
  if (!value.includes('*')) return actual === value;
  if (typeof actual !== 'string') return false;
  const escaped = value.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 's').test(actual);
}
