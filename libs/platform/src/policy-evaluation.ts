import type { PolicyCondition, PolicyDocument, PolicyStatement } from './function-policy';

/**
 * Judges one request against an identity policy as IAM does for a principal in the policy's own
 * account: an explicit Deny wins, then any Allow, and nothing else is allowed. Enough for the
 * documents `functionPolicy` renders, which is what the local cloud holds the functions to:
 * actions matched case-insensitively and resources case-sensitively, both with `*` and `?`; the
 * condition operators those documents use (`StringEquals`, `StringNotEquals`, `StringLike`, each
 * with `IfExists` and the `ForAllValues:` / `ForAnyValue:` set forms). Any other operator throws,
 * so a policy this cannot judge is never judged wrongly. Policy variables (`${aws:username}`) are
 * not expanded.
 *
 * Written here rather than taken from a library: the one maintained IAM simulator on npm
 * (@cloud-copilot/iam-simulate) is AGPL-licensed, which teams copying this project cannot take
 * into their tooling lightly, and these documents need only this much of IAM (decision 130).
 */

/** The request context's condition keys (`events:source`, `kms:ViaService`): one value, or a set. */
export type ConditionContext = Readonly<Record<string, string | readonly string[]>>;

export interface AccessRequest {
  /** `sqs:SendMessage`. */
  action: string;
  /** The resource's ARN, or `*` for actions that have no resource (an SMS, a task token). */
  resource: string;
  context?: ConditionContext;
}

export type AccessDecision =
  | { allowed: true; statement: string }
  | { allowed: false; reason: 'explicit deny'; statement: string }
  | { allowed: false; reason: 'no allow' };

export function evaluatePolicy(document: PolicyDocument, request: AccessRequest): AccessDecision {
  const matching = document.Statement.filter((s) => statementApplies(s, request));
  const deny = matching.find((s) => s.Effect === 'Deny');
  if (deny) return { allowed: false, reason: 'explicit deny', statement: deny.Sid };
  const allow = matching.find((s) => s.Effect === 'Allow');
  return allow ? { allowed: true, statement: allow.Sid } : { allowed: false, reason: 'no allow' };
}

function statementApplies(statement: PolicyStatement, request: AccessRequest): boolean {
  return (
    statement.Action.some((pattern) => wildcard(pattern, 'i').test(request.action)) &&
    statement.Resource.some((pattern) => wildcard(pattern, '').test(request.resource)) &&
    conditionHolds(statement.Condition, request.context ?? {})
  );
}

const patterns = new Map<string, RegExp>();

/** IAM's globbing: `*` any run of characters (`:` and `/` included), `?` any one. */
function wildcard(pattern: string, flags: '' | 'i'): RegExp {
  const key = `${flags}${pattern}`;
  let regexp = patterns.get(key);
  if (!regexp) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    regexp = new RegExp(`^${body}$`, flags);
    patterns.set(key, regexp);
  }
  return regexp;
}

type Matcher = (actual: string, expected: string) => boolean;

const MATCHERS: Readonly<Record<string, { match: Matcher; negated?: true }>> = {
  StringEquals: { match: (actual, expected) => actual === expected },
  StringNotEquals: { match: (actual, expected) => actual === expected, negated: true },
  StringLike: { match: (actual, expected) => wildcard(expected, '').test(actual) },
};

/** Every operator holds, and within one, every key (IAM's AND); a key holds if any of its values matches (OR). */
function conditionHolds(condition: PolicyCondition | undefined, context: ConditionContext): boolean {
  if (!condition) return true;
  return Object.entries(condition).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => operatorHolds(operator, context[key], Array.isArray(expected) ? expected : [expected as string])),
  );
}

function operatorHolds(operator: string, actual: string | readonly string[] | undefined, expected: readonly string[]): boolean {
  const [, set, name = '', ifExists] = /^(?:(ForAllValues|ForAnyValue):)?(\w+?)(IfExists)?$/.exec(operator) ?? [];
  const matcher = MATCHERS[name];
  if (!matcher) throw new Error(`cannot judge the condition operator ${operator}: evaluatePolicy knows ${Object.keys(MATCHERS).join(', ')}`);
  const values = actual === undefined ? [] : typeof actual === 'string' ? [actual] : actual;
  const matches = (value: string) => expected.some((e) => matcher.match(value, e)) !== Boolean(matcher.negated);
  // A set operator over a missing key: ForAllValues holds (nothing fails it), ForAnyValue does not.
  if (set === 'ForAllValues') return values.every(matches);
  if (set === 'ForAnyValue') return values.some(matches);
  if (values.length === 0) return Boolean(ifExists) || Boolean(matcher.negated);
  return values.length === 1 && matches(values[0]!);
}
