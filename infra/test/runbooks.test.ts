import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot, loadServices } from '@shop/platform';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DEAD_LETTER_RUNBOOK } from '../src/service/queues';
import { readStacks, resources } from './support/terraform-json';

/**
 * docs/runbooks.md has an entry for every alarm the stacks make, and lists no alarm they do not
 * make: an operator paged at night finds what to do by the alarm's name alone, so the page must
 * not drift from the stacks either way. And the alarm's description links to that entry, so the
 * e-mail itself says where to read.
 *
 * The page's index ("Which alarm, which runbook") is a table: each row names alarms in code spans,
 * after their `shop-<stage>-` prefix, and links to the heading of their entry. A function's own
 * alarms share one entry, so the index names them `<service>-<function>-errors` and
 * `-throttles`; every other alarm (a queue's, the state machine's, an incident's, the API's) is
 * named in full, since each has a procedure of its own.
 */

const STAGE = 'dev';
const repoRoot = findRepoRoot(__dirname);
const RUNBOOKS = 'docs/runbooks.md';
const INDEX_HEADING = 'Which alarm, which runbook';
const FUNCTION_PATTERN = '<service>-<function>';

/** An alarm's name as the index names it (see the top of this file). */
function patternOf(alarmName: string, functions: ReadonlySet<string>): string {
  const prefix = `shop-${STAGE}-`;
  if (!alarmName.startsWith(prefix)) throw new Error(`the alarm ${alarmName} is not named ${prefix}…`);
  const name = alarmName.slice(prefix.length);
  const own = /^(.+)-(errors|throttles)$/.exec(name);
  return own && functions.has(own[1]!) ? `${FUNCTION_PATTERN}-${own[2]}` : name;
}

/** The markdown's lines outside fenced code blocks, where a `#` starts a heading and not a shell comment. */
function proseLines(markdown: string): { text: string; line: number }[] {
  let fenced = false;
  return markdown.split('\n').flatMap((text, n) => {
    if (/^\s*```/.test(text)) {
      fenced = !fenced;
      return [];
    }
    return fenced ? [] : [{ text, line: n + 1 }];
  });
}

/** The anchors GitHub makes of the page's headings: lower case, punctuation dropped, spaces as dashes, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const { text } of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const base = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

interface IndexRow {
  patterns: string[];
  /** The anchor the row links to, without `#`. */
  anchor: string | undefined;
  line: number;
}

/** The rows of the index table: the section under `## Which alarm, which runbook`, up to the next heading. */
function indexRows(markdown: string): IndexRow[] | undefined {
  const lines = proseLines(markdown);
  const start = lines.findIndex(({ text }) => text.trim() === `## ${INDEX_HEADING}`);
  if (start < 0) return undefined;
  const rows: IndexRow[] = [];
  for (const { text, line } of lines.slice(start + 1)) {
    if (/^#{1,6}\s/.test(text)) break;
    if (!text.trimStart().startsWith('|')) continue;
    const [names = '', entry = ''] = text.split('|').slice(1);
    const patterns = [...names.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    // The header row names no alarm; the separator row is dashes.
    if (patterns.length === 0) continue;
    rows.push({ patterns, anchor: /\]\(#([^)]+)\)/.exec(entry)?.[1], line });
  }
  return rows;
}

/**
 * What is wrong with the page's index against the alarms the stacks make: an alarm with no row,
 * a pattern no alarm has, a pattern listed twice, a row that links to no heading of the page.
 */
function runbookProblems(markdown: string, alarmNames: readonly string[], functions: ReadonlySet<string>): string[] {
  const rows = indexRows(markdown);
  if (!rows) return [`${RUNBOOKS} has no "## ${INDEX_HEADING}" section`];
  const problems: string[] = [];
  const anchors = headingAnchors(markdown);
  const listed = new Map<string, number>();
  for (const row of rows) {
    if (row.anchor === undefined) problems.push(`${RUNBOOKS}:${row.line} links ${row.patterns.join(', ')} to no entry`);
    else if (!anchors.has(row.anchor)) problems.push(`${RUNBOOKS}:${row.line} links ${row.patterns.join(', ')} to #${row.anchor}, which no heading of the page makes`);
    for (const pattern of row.patterns) {
      const first = listed.get(pattern);
      if (first !== undefined) problems.push(`${RUNBOOKS}:${row.line} lists ${pattern} again (first on line ${first})`);
      else listed.set(pattern, row.line);
    }
  }
  const made = new Map(alarmNames.map((name) => [patternOf(name, functions), name]));
  for (const [pattern, alarm] of made) {
    if (!listed.has(pattern)) problems.push(`the alarm ${alarm} has no runbook: list ${pattern} in ${RUNBOOKS}'s index, with its entry`);
  }
  for (const [pattern, line] of listed) {
    if (!made.has(pattern)) problems.push(`${RUNBOOKS}:${line} lists ${pattern}, which no alarm of the stacks has`);
  }
  return problems;
}

/** A dead-letter queue's two alarms: their descriptions link to the section on dead-letter queues, whose entries follow it. */
const DEAD_LETTER_ALARM = /-(not-empty|new-messages)$/;

/**
 * The alarms whose description does not send the operator to their entry: the one the page's index
 * links their name to (a dead-letter queue's: the section on dead-letter queues). An alarm with no
 * row is runbookProblems' to tell of.
 */
function descriptionProblems(markdown: string, alarms: readonly { name: string; description: string }[], functions: ReadonlySet<string>): string[] {
  const entries = new Map((indexRows(markdown) ?? []).flatMap((row) => row.patterns.map((pattern) => [pattern, row.anchor] as const)));
  const problems: string[] = [];
  for (const alarm of alarms) {
    const entry = DEAD_LETTER_ALARM.test(alarm.name) ? DEAD_LETTER_RUNBOOK.split('#')[1] : entries.get(patternOf(alarm.name, functions));
    if (entry === undefined) continue;
    const linked = [...alarm.description.matchAll(/docs\/runbooks\.md#([\w-]+)/g)].map((m) => m[1]!);
    if (!linked.includes(entry)) problems.push(`the description of ${alarm.name} does not link to its runbook, ${RUNBOOKS}#${entry}`);
  }
  return problems;
}

describe('the runbooks (docs/runbooks.md)', () => {
  let markdown: string;
  let alarms: { name: string; description: string }[];
  let functions: Set<string>;

  beforeAll(async () => {
    markdown = readFileSync(join(repoRoot, RUNBOOKS), 'utf8');
    const stacks = readStacks(inject('synthesized').real);
    alarms = Object.values(stacks).flatMap((stack) =>
      resources(stack, 'aws_cloudwatch_metric_alarm').map(([, alarm]) => ({ name: alarm['alarm_name'] as string, description: alarm['alarm_description'] as string })),
    );
    const services = await loadServices(repoRoot);
    functions = new Set(services.flatMap(({ manifest }) => Object.keys(manifest.functions).map((fn) => `${manifest.name}-${fn}`)));
  });

  it('has an entry for every alarm the stacks make, and lists no alarm they do not make', () => {
    expect(alarms.length).toBeGreaterThan(0);
    expect(runbookProblems(markdown, alarms.map((a) => a.name), functions)).toEqual([]);
  });

  it('has every anchor the alarm descriptions link to (the dead-letter queues among them)', () => {
    expect(DEAD_LETTER_RUNBOOK).toBe(`${RUNBOOKS}#dead-letter-queues`);
    const anchors = headingAnchors(markdown);
    const linked = new Set(alarms.flatMap((a) => [...a.description.matchAll(/docs\/runbooks\.md#([\w-]+)/g)].map((m) => m[1]!)));
    expect([...linked]).toContain('dead-letter-queues');
    for (const anchor of linked) expect(anchors.has(anchor), `#${anchor}`).toBe(true);
  });

  it("sends the operator from every alarm's description to its own entry, the one the index gives it", () => {
    expect(descriptionProblems(markdown, alarms, functions)).toEqual([]);
    // The most urgent among them, by name.
    const described = (name: string) => alarms.find((a) => a.name === name)?.description;
    expect(described('shop-dev-checkout-orchestrator-checkout-PaidButNotCompleted')).toContain(`${RUNBOOKS}#paidbutnotcompleted`);
    expect(described('shop-dev-payment-service-RefundFailed')).toContain(`${RUNBOOKS}#refundfailed`);
    expect(described('shop-dev-order-service-create-order-errors')).toContain(`${RUNBOOKS}#a-function-failed`);
    expect(described('shop-dev-checkout-orchestrator-checkout-executions-failed')).toContain(`${RUNBOOKS}#executions-failed-timed-out-or-aborted`);
    expect(described('shop-dev-order-events-publish-order-events-order-service-orders-iterator-age')).toContain(`${RUNBOOKS}#the-orders-stream-is-behind`);
  });

  // The check itself, on the page as it is: each way the page can drift is caught.
  it('tells of an entry taken out of the page', () => {
    const row = indexRows(markdown)!.find((r) => r.patterns.includes('order-events-unpublished-changes-not-empty'))!;
    const heading = proseLines(markdown).find(({ text }) => headingAnchors(text).has(row.anchor!))!;
    const without = markdown.replace(`${heading.text}\n`, '');
    expect(runbookProblems(without, alarms.map((a) => a.name), functions)).toEqual([
      expect.stringContaining(`order-events-unpublished-changes-not-empty, order-events-unpublished-changes-new-messages to #${row.anchor}, which no heading`),
    ]);
  });

  it('tells of an alarm the index leaves out', () => {
    const row = indexRows(markdown)!.find((r) => r.patterns.includes('checkout-orchestrator-checkout-PaidButNotCompleted'))!;
    const lines = markdown.split('\n');
    const without = lines.filter((_, n) => n + 1 !== row.line).join('\n');
    expect(runbookProblems(without, alarms.map((a) => a.name), functions)).toEqual([
      'the alarm shop-dev-checkout-orchestrator-checkout-PaidButNotCompleted has no runbook: list checkout-orchestrator-checkout-PaidButNotCompleted in docs/runbooks.md\'s index, with its entry',
    ]);
  });

  it("tells of an alarm whose description does not link to its entry", () => {
    const alarm = alarms.find((a) => a.name === 'shop-dev-payment-service-RefundFailed')!;
    const unlinked = { ...alarm, description: alarm.description.replace(/docs\/runbooks\.md#[\w-]+/g, 'docs/runbooks.md#paymentmismatch') };
    expect(descriptionProblems(markdown, [unlinked], functions)).toEqual([
      'the description of shop-dev-payment-service-RefundFailed does not link to its runbook, docs/runbooks.md#refundfailed',
    ]);
  });

  it('tells of a pattern no alarm has', () => {
    const row = indexRows(markdown)!.find((r) => r.patterns.includes(`${FUNCTION_PATTERN}-errors`))!;
    const lines = markdown.split('\n');
    lines.splice(row.line, 0, '| `order-service-orders-iterator-age` | [A function failed](#a-function-failed) |');
    expect(runbookProblems(lines.join('\n'), alarms.map((a) => a.name), functions)).toEqual([
      `${RUNBOOKS}:${row.line + 1} lists order-service-orders-iterator-age, which no alarm of the stacks has`,
    ]);
  });
});
