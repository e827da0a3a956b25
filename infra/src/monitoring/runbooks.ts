/**
 * Where an alarm's description sends the operator it pages: an entry of docs/runbooks.md, linked by
 * the anchor GitHub makes of the entry's heading. test/runbooks.test.ts holds every alarm of the
 * stacks to a link to the entry the page's index gives it, so an entry renamed or moved, or an
 * alarm pointing elsewhere, fails there rather than at night.
 */
export const RUNBOOKS_PAGE = 'docs/runbooks.md';

/** `docs/runbooks.md#<anchor>` of the entry under `heading`: lower case, punctuation dropped, spaces as dashes. */
export function runbookEntry(heading: string): string {
  const anchor = heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
  return `${RUNBOOKS_PAGE}#${anchor}`;
}

/**
 * The entries whose headings the alarms are named by, one per kind: a Fail state's entry is headed
 * by its error (`PaidButNotCompleted`), an incident's by the incident (`RefundFailed`), a stream
 * reader's by the table whose stream it reads (`The orders stream is behind`).
 */
export const RUNBOOK_ENTRIES = {
  functionFailed: runbookEntry('A function failed'),
  functionThrottled: runbookEntry('A function was throttled'),
  stateMachineExecutions: runbookEntry('Executions failed, timed out or aborted'),
  topicDeliveriesFailed: runbookEntry('SNS could not deliver'),
  failState: (error: string) => runbookEntry(error),
  incident: (incident: string) => runbookEntry(incident),
  streamBehind: (table: string) => runbookEntry(`The ${table} stream is behind`),
} as const;
