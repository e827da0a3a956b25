import type { EventPattern, PatternMatcher } from '@shop/platform';

/**
 * EventBridge event patterns, matched and validated as AWS does
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html,
 * and the rule compiler of aws/event-ruler, which EventBridge runs).
 *
 * - Every field of the pattern must match; `$or` holds alternatives, any of which may match.
 * - A leaf is a list of matchers and matches when any of them does. When the event holds an
 *   array there, the leaf matches when any element does.
 * - A nested pattern object descends into the event; over an array of objects it matches when
 *   one element matches the whole sub-pattern (Ruler's array consistency: two fields are never
 *   satisfied by two different elements).
 * - Only leaf values (strings, numbers, booleans, null) exist for `exists`: a field that holds
 *   an object or an empty array does not exist; a missing field matches nothing but
 *   `exists: false` (not even `anything-but`).
 *
 * Left out on purpose: `cidr` and IP-address strings as ranges, `wildcard` inside
 * `anything-but`, `anything-but` lists of prefixes, and EventBridge's limits on numeric
 * precision and range (any finite double is accepted here). A pattern using them is refused by
 * `patternProblems`, so a rule never silently matches differently than on AWS.
 */

const OR = '$or';

/** True when `event` (the whole event as targets see it) matches `pattern`. */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return matchesObject(pattern, event);
}

function matchesObject(pattern: EventPattern, value: unknown): boolean {
  // Over an array of objects, one element must satisfy the whole sub-pattern.
  if (Array.isArray(value)) {
    const elements = value.flat(Infinity);
    if (elements.length > 0) return elements.some((element) => matchesObject(pattern, element));
  }
  const fields = isPlainObject(value) ? value : {};
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === OR) return (expected as readonly EventPattern[]).some((branch) => matchesObject(branch, value));
    if (Array.isArray(expected)) return matchesLeaf(expected as readonly PatternMatcher[], fields[key]);
    return matchesObject(expected as EventPattern, fields[key]);
  });
}

function matchesLeaf(matchers: readonly PatternMatcher[], value: unknown): boolean {
  const values = leafValues(value);
  return matchers.some((matcher) => {
    if (isPlainObject(matcher) && 'exists' in matcher) return matcher.exists === values.length > 0;
    return values.some((candidate) => matchesValue(matcher, candidate));
  });
}

/** The leaf values at a field: an array's elements (flattened), never objects. */
function leafValues(value: unknown): unknown[] {
  const all = Array.isArray(value) ? value.flat(Infinity) : value === undefined ? [] : [value];
  return all.filter((candidate) => !isPlainObject(candidate) && !Array.isArray(candidate));
}

function matchesValue(matcher: PatternMatcher, value: unknown): boolean {
  if (!isPlainObject(matcher)) return value === matcher;
  if ('prefix' in matcher) return affixMatches(matcher.prefix, value, (text, affix) => text.startsWith(affix));
  if ('suffix' in matcher) return affixMatches(matcher.suffix, value, (text, affix) => text.endsWith(affix));
  if ('equals-ignore-case' in matcher) return typeof value === 'string' && foldCase(value) === foldCase(matcher['equals-ignore-case']);
  if ('wildcard' in matcher) return typeof value === 'string' && wildcardRegExp(matcher.wildcard).test(value);
  if ('numeric' in matcher) return typeof value === 'number' && inNumericRange(matcher.numeric, value);
  if ('anything-but' in matcher) return !isExcluded(matcher['anything-but'], value);
  return false;
}

function affixMatches(
  affix: string | { readonly 'equals-ignore-case': string },
  value: unknown,
  test: (text: string, affix: string) => boolean,
): boolean {
  if (typeof value !== 'string') return false;
  if (typeof affix === 'string') return test(value, affix);
  return test(foldCase(value), foldCase(affix['equals-ignore-case']));
}

type AnythingBut = Extract<PatternMatcher, { readonly 'anything-but': unknown }>['anything-but'];

/** What `anything-but` leaves out; values of another type (a number against strings) are never left out. */
function isExcluded(excluded: AnythingBut, value: unknown): boolean {
  if (Array.isArray(excluded)) return excluded.includes(value as string | number);
  if (!isPlainObject(excluded)) return value === excluded;
  if (typeof value !== 'string') return false;
  if ('prefix' in excluded) return value.startsWith(excluded.prefix);
  if ('suffix' in excluded) return value.endsWith(excluded.suffix);
  const names = excluded['equals-ignore-case'];
  return (typeof names === 'string' ? [names] : names).some((name) => foldCase(name) === foldCase(value));
}

function inNumericRange(terms: readonly (string | number)[], value: number): boolean {
  for (let i = 0; i < terms.length; i += 2) {
    const bound = terms[i + 1] as number;
    const holds = {
      '=': value === bound,
      '<': value < bound,
      '<=': value <= bound,
      '>': value > bound,
      '>=': value >= bound,
    }[terms[i] as NumericOperator];
    if (!holds) return false;
  }
  return true;
}

const wildcardCache = new Map<string, RegExp>();

/** `*` stands for any run of characters; `\*` is a star and `\\` a backslash. */
function wildcardRegExp(wildcard: string): RegExp {
  let regExp = wildcardCache.get(wildcard);
  if (!regExp) {
    let source = '';
    for (let i = 0; i < wildcard.length; i++) {
      const char = wildcard[i] as string;
      if (char === '\\') source += escapeRegExp(wildcard[++i] ?? '');
      else source += char === '*' ? '[\\s\\S]*' : escapeRegExp(char);
    }
    regExp = new RegExp(`^${source}$`);
    wildcardCache.set(wildcard, regExp);
  }
  return regExp;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function foldCase(text: string): string {
  return text.toLowerCase();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Validation, as PutRule answers InvalidEventPatternException.

type NumericOperator = '=' | '<' | '<=' | '>' | '>=';
const LOWER_BOUNDS = new Set(['>', '>=']);
const UPPER_BOUNDS = new Set(['<', '<=']);

/**
 * What is wrong with `pattern`, one line per problem, each naming where (`detail.total[0]`);
 * empty when EventBridge would accept it. Also refuses what `matchesPattern` does not
 * implement, so that a rule cannot match differently here than on AWS.
 */
export function patternProblems(pattern: unknown): string[] {
  const problems: string[] = [];
  if (!isPlainObject(pattern)) return ['the pattern must be a JSON object'];
  checkObject(pattern, '', problems);
  return problems;
}

function checkObject(pattern: Record<string, unknown>, path: string, problems: string[]): void {
  const entries = Object.entries(pattern);
  if (entries.length === 0) problems.push(`${path || 'the pattern'}: empty objects are not allowed`);
  for (const [key, value] of entries) {
    const at = path ? `${path}.${key}` : key;
    if (key === OR) checkOr(value, at, problems);
    else if (Array.isArray(value)) checkLeaf(value, at, problems);
    else if (isPlainObject(value)) checkObject(value, at, problems);
    else problems.push(`${at}: must be an object or an array`);
  }
}

function checkOr(branches: unknown, path: string, problems: string[]): void {
  if (!Array.isArray(branches)) return void problems.push(`${path}: must be an array of objects`);
  if (branches.length < 2) problems.push(`${path}: must hold at least 2 objects`);
  branches.forEach((branch, index) => {
    if (isPlainObject(branch)) checkObject(branch, `${path}[${index}]`, problems);
    else problems.push(`${path}[${index}]: only objects are allowed in $or`);
  });
}

function checkLeaf(matchers: unknown[], path: string, problems: string[]): void {
  if (matchers.length === 0) problems.push(`${path}: empty arrays are not allowed`);
  matchers.forEach((matcher, index) => {
    const at = `${path}[${index}]`;
    if (matcher === null || ['string', 'boolean'].includes(typeof matcher)) return;
    if (typeof matcher === 'number') {
      if (!Number.isFinite(matcher)) problems.push(`${at}: numbers must be finite`);
      return;
    }
    if (!isPlainObject(matcher)) return void problems.push(`${at}: match value must be a string, number, true, false, null or a matcher object`);
    const keys = Object.keys(matcher);
    if (keys.length !== 1) return void problems.push(`${at}: a matcher has exactly one key, found ${keys.length}`);
    const operator = keys[0] as string;
    const problem = checkMatcher(operator, matcher[operator]);
    if (problem) problems.push(`${at}.${operator}: ${problem}`);
  });
}

/** One matcher's problem, or undefined. */
function checkMatcher(operator: string, operand: unknown): string | undefined {
  switch (operator) {
    case 'prefix':
    case 'suffix':
      if (typeof operand === 'string') return undefined;
      if (isPlainObject(operand) && Object.keys(operand).length === 1 && typeof operand['equals-ignore-case'] === 'string') {
        return undefined;
      }
      return `must be a string or {"equals-ignore-case": string}`;
    case 'equals-ignore-case':
      return typeof operand === 'string' ? undefined : 'must be a string';
    case 'wildcard':
      return typeof operand === 'string' ? wildcardProblem(operand) : 'must be a string';
    case 'exists':
      return typeof operand === 'boolean' ? undefined : 'must be true or false';
    case 'numeric':
      return Array.isArray(operand) ? numericProblem(operand) : 'must be an array';
    case 'anything-but':
      return anythingButProblem(operand);
    default:
      return `unsupported operator "${operator}"`;
  }
}

function wildcardProblem(wildcard: string): string | undefined {
  for (let i = 0; i < wildcard.length; i++) {
    if (wildcard[i] === '\\') {
      const next = wildcard[++i];
      if (next !== '*' && next !== '\\') return 'a backslash may only escape "*" or "\\"';
    } else if (wildcard[i] === '*' && wildcard[i + 1] === '*') {
      return 'consecutive wildcard characters are not allowed';
    }
  }
  return undefined;
}

/** `["=", n]`, `[">" | ">=", n]`, `["<" | "<=", n]` or `[">" | ">=", low, "<" | "<=", high]` with low < high. */
function numericProblem(terms: unknown[]): string | undefined {
  if (terms.length !== 2 && terms.length !== 4) return 'expected [operator, number] or [lower operator, number, upper operator, number]';
  for (let i = 0; i < terms.length; i += 2) {
    const operator = terms[i];
    const bound = terms[i + 1];
    if (typeof operator !== 'string' || !['=', ...LOWER_BOUNDS, ...UPPER_BOUNDS].includes(operator)) {
      return `unrecognized numeric operator ${JSON.stringify(operator)}`;
    }
    if (typeof bound !== 'number' || !Number.isFinite(bound)) return `"${operator}" must be followed by a number`;
  }
  if (terms.length === 2) return undefined;
  const [lower, low, upper, high] = terms as [string, number, string, number];
  if (!LOWER_BOUNDS.has(lower) || !UPPER_BOUNDS.has(upper)) return 'a range is a lower bound (">" or ">=") followed by an upper bound ("<" or "<=")';
  return low < high ? undefined : 'the lower bound must be less than the upper bound';
}

function anythingButProblem(operand: unknown): string | undefined {
  if (typeof operand === 'string') return undefined;
  if (typeof operand === 'number') return Number.isFinite(operand) ? undefined : 'numbers must be finite';
  if (Array.isArray(operand)) {
    if (operand.length === 0) return 'the list must not be empty';
    const allStrings = operand.every((value) => typeof value === 'string');
    const allNumbers = operand.every((value) => typeof value === 'number' && Number.isFinite(value));
    return allStrings || allNumbers ? undefined : 'the list must hold only strings or only numbers';
  }
  if (!isPlainObject(operand)) return 'must be a string, a number, a list, or {prefix}, {suffix} or {equals-ignore-case}';
  const keys = Object.keys(operand);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined) return 'takes exactly one of prefix, suffix or equals-ignore-case';
  const value = operand[key];
  if (key === 'prefix' || key === 'suffix') {
    return typeof value === 'string' && value !== '' ? undefined : `${key} must be a non-empty string`;
  }
  if (key === 'equals-ignore-case') {
    const ok = typeof value === 'string' || (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'));
    return ok ? undefined : 'equals-ignore-case must be a string or a non-empty list of strings';
  }
  return `unsupported operator "${key}" inside anything-but`;
}
