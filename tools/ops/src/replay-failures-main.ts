import { loadManifests } from '@shop/platform';
import { parseOptions, positiveIntegerOption, regionFromEnvironment, STAGES, stageOption, runCommand } from './options';
import { VISIBILITY_TIMEOUT_SECONDS } from './queue-messages';
import { DEFAULT_MAX, failureReplayClients, formatFailureReport, formatFailuresSummary, onFailureQueue, onFailureQueues, replayFailures } from './replay-failures';

const help = (queues: string[]) => `npm run replay-failures -- --stage <${[...STAGES, 'local'].join('|')}> --queue <service>/<queue> [--max N] [--delete]

Replays what an on-failure queue of asynchronously invoked functions holds: Lambda's record of an
event a function kept failing on after its retries. Each record's event (its requestPayload) goes
to the function the record names, through its live alias, and the run waits for its answer, as
\`aws lambda invoke --qualifier live\` would. Safe to run again: send-notification sends each
notification once per channel (for 7 days), analytics counts an event once, and a report made
again replaces the same report.

A message is left in the queue, with why, when it is not such a record, when it names a function
that does not fail into this queue, and when the function fails again (its log, under the request
id, says why: mend that, then run again). Only the request id, the function and the outcome are
printed, never the event: it may hold a customer's e-mail address or phone number.

  --stage    the stage whose queue to replay (local: the local cloud, reached through the
             AWS_ENDPOINT_URL_* variables below)
  --queue    the on-failure queue to replay, one of:
${queues.map((q) => `               ${q}`).join('\n')}
  --max      read at most N messages (default ${DEFAULT_MAX})
  --delete   invoke the functions, and delete each message whose event the function took; without
             it, a dry run: read the queue and print what would be invoked, invoke and delete nothing

Credentials and AWS_REGION as for any AWS CLI command. AWS_ENDPOINT_URL_SQS and
AWS_ENDPOINT_URL_LAMBDA point it elsewhere (the local cloud). Messages read are hidden from other
readers until the run ends (at most ${VISIBILITY_TIMEOUT_SECONDS / 60} minutes). Exits 1 when a message was left.`;

// `npm run replay-failures -- --stage prod --queue notification-service/failed-notifications [--max 10] [--delete]`,
// with credentials for the stage's account and AWS_REGION set.
async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const manifests = await loadManifests();
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(help(onFailureQueues(manifests).map((q) => `${q.service}/${q.queue}`)));
    return 0;
  }
  const options = parseOptions(argv, ['stage', 'queue', 'max'], ['delete']);
  const stage = stageOption(options.stage, [...STAGES, 'local']);
  const queue = onFailureQueue(options.queue, manifests);
  const max = positiveIntegerOption('max', options.max, DEFAULT_MAX);
  const region = regionFromEnvironment();

  const clients = failureReplayClients({ region });
  try {
    const request = { stage, queue, max, delete: options.delete === true };
    const summary = await replayFailures(clients, { ...request, onMessage: (report) => console.log(formatFailureReport(report).join('\n')) });
    console.log(formatFailuresSummary(summary, request).join('\n'));
    return summary.left.length > 0 ? 1 : 0;
  } finally {
    clients.destroy();
  }
}

runCommand('replay-failures', main);
