import { parseOptions, regionFromEnvironment, STAGES, stageOption, runCommand, UsageError } from './options';
import { VISIBILITY_TIMEOUT_SECONDS } from './queue-messages';
import { formatReport, formatSummary, replayClients, replayStream } from './replay-stream';

const HELP = `npm run replay-stream -- --stage <${[...STAGES, 'local'].join('|')}> [--dry-run] [--delete]

Replays what order-events' unpublished-changes dead-letter queue holds: the batches of the orders
stream that publish-order-events kept failing on after the mapping's 10 retries (read again from
the stream, where the message says they lie), and the poison records it kept whole. Each goes to
publish-order-events:live as Lambda would send it, which puts the order events on the bus and sends
the refund requests it did not send then.

Safe to run again, and on records that went out in part: event ids are derived from the order (the
same change makes the same event id, and consumers act on an id once), and payment-service refunds
a charge once. The events replayed reach the bus after those of the changes the stream went on
with (an order's OrderPaid may be there before its OrderCreated): consumers take each on its own.
A poison record that still makes no valid event is kept again by the function, as a new message,
which the same run leaves: replay poison records once order-service or order-events is mended.

A message is left in the queue, with why, when the function fails or reports a record it could not
publish, and when the stream no longer holds its records (it keeps them 24 hours): then nothing can
replay them, and the events and refunds they owed must be found by hand; the message is printed.

  --stage     the stage whose queue to replay (local: the local cloud, reached through the
              AWS_ENDPOINT_URL_* variables below)
  --dry-run   read the queue and the stream, print what would be replayed; invoke and delete nothing
  --delete    delete each message replayed in full (without it, every message stays in the queue)

Credentials and AWS_REGION as for any AWS CLI command. AWS_ENDPOINT_URL_SQS,
AWS_ENDPOINT_URL_DYNAMODB_STREAMS and AWS_ENDPOINT_URL_LAMBDA point it elsewhere (the local cloud).
Messages read are hidden from other readers until the run ends (at most ${VISIBILITY_TIMEOUT_SECONDS / 60} minutes).
Exits 1 when a message was left.`;

// `npm run replay-stream -- --stage prod [--dry-run] [--delete]`, with credentials for the stage's account and AWS_REGION set.
async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  const options = parseOptions(argv, ['stage'], ['dry-run', 'delete']);
  const stage = stageOption(options.stage, [...STAGES, 'local']);
  const dryRun = options['dry-run'] === true;
  if (dryRun && options.delete) throw new UsageError('--dry-run deletes nothing: give --delete or --dry-run, not both');
  const region = regionFromEnvironment();

  const clients = replayClients({ region });
  try {
    const summary = await replayStream(clients, {
      stage,
      dryRun,
      delete: options.delete === true,
      onMessage: (report) => console.log(formatReport(report).join('\n')),
    });
    console.log(formatSummary(summary, { dryRun }).join('\n'));
    return summary.left.length > 0 ? 1 : 0;
  } finally {
    clients.destroy();
  }
}

runCommand('replay-stream', main);
