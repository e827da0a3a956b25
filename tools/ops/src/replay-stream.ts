import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, GetQueueUrlCommand, type Message, SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { lambdaStreamRecord } from '@shop/aws';
import { LIVE_ALIAS, physicalName } from '@shop/platform';
import type { DynamoDBRecord } from 'aws-lambda';
import { countReplays, eachQueueMessage } from './queue-messages';
import { readStreamRange } from './stream-range';
import { type UnpublishedChange, unpublishedChange } from './unpublished-change';

/**
 * Replays what order-events' `unpublished-changes` dead-letter queue holds: the batches of the
 * orders stream the mapping gave up on after its retries (read again from the stream, which keeps
 * them 24 hours), and the poison records the function kept whole. Each goes to
 * publish-order-events (its `live` alias, as the mapping calls it) in the event Lambda would have
 * built, and the function does what it did not do then: the events onto the bus, the refund
 * requests to payment-service. That is safe to do twice: event ids are derived from the order,
 * and payment-service refunds a charge once, so what went out before goes out under the same ids
 * and is acted on once.
 *
 * A message is replayed in full or not at all: one the function failed on (an error, or a record it
 * reports in `batchItemFailures`), or whose records the stream no longer holds, is left in the
 * queue with why. Replayed messages are deleted only when asked; a dry run reads and invokes
 * nothing but the stream.
 */

/** The queue this replays and the function that publishes what it points at (apps/order-events/src/service.ts). */
export const UNPUBLISHED_CHANGES = { service: 'order-events', queue: 'unpublished-changes', function: 'publish-order-events' } as const;


export interface ReplayTools {
  sqs: Pick<SQSClient, 'send'>;
  streams: Pick<DynamoDBStreamsClient, 'send'>;
  lambda: Pick<LambdaClient, 'send'>;
  /** The stage's region: the `awsRegion` of the records built from the stream. */
  region: string;
}

export interface ReplayRequest {
  stage: string;
  /** Reads the queue and the stream and says what it would replay; invokes and deletes nothing. */
  dryRun?: boolean;
  /** Deletes each message that was replayed in full. */
  delete?: boolean;
  /** Told of each message as it is done with, for a person watching. */
  onMessage?: (report: MessageReport) => void;
}

/** One record replayed, or to be: what a person needs to find the order. */
export interface RecordLine {
  sequenceNumber: string;
  eventName: string;
  orderId?: string;
  /** The order's status before and after the change, where the images say. */
  from?: string;
  to?: string;
}

export interface MessageReport {
  messageId: string;
  kind: 'batch' | 'poison-record' | 'unknown';
  /** Where the message points: a batch's shard and sequence numbers, or the poison record's. */
  where: string;
  records: RecordLine[];
  result: 'replayed' | 'would-replay' | 'left';
  deleted: boolean;
  /** For `left`: why, and what a person must do. */
  why?: string;
  /** The message as it is in the queue, for a person to read when it is left. */
  body: string;
}

export interface ReplaySummary {
  messages: MessageReport[];
  replayed: number;
  deleted: number;
  wouldReplay: number;
  left: MessageReport[];
}

export async function replayStream(tools: ReplayTools, request: ReplayRequest): Promise<ReplaySummary> {
  const { service, queue, function: fn } = UNPUBLISHED_CHANGES;
  const queueName = physicalName(request.stage, service, queue);
  const { QueueUrl: queueUrl } = await tools.sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
  if (!queueUrl) throw new Error(`GetQueueUrl answered no URL for ${queueName}`);
  const target = { queueUrl, functionName: physicalName(request.stage, service, fn) };

  const reports: MessageReport[] = [];
  // The poison records replayed in this run, by sequence number: one that still makes no valid event
  // is kept again by the function, as a new message, which this run must not replay again (it would
  // go round for ever).
  const replayedPoison = new Set<string>();
  await eachQueueMessage(tools.sqs, queueUrl, Number.POSITIVE_INFINITY, async (message) => {
    const change = unpublishedChange(message.Body);
    const poisonAt = change.kind === 'poison-record' ? (change.record.dynamodb?.SequenceNumber ?? '') : undefined;
    const report = poisonAt !== undefined && replayedPoison.has(poisonAt) ? keptAgain(message, poisonAt) : await replayMessage(tools, request, target, message, change);
    if (poisonAt !== undefined && report.result === 'replayed') replayedPoison.add(poisonAt);
    reports.push(report);
    request.onMessage?.(report);
    return report;
  });
  return countReplays(reports);
}

/** A poison record this run replayed, kept again by the function: its cause is not mended yet. */
function keptAgain(message: Message, sequenceNumber: string): MessageReport {
  return {
    messageId: message.MessageId ?? '',
    kind: 'poison-record',
    where: `poison record ${sequenceNumber}`,
    records: [],
    result: 'left',
    deleted: false,
    why: 'kept again by the function when this run replayed it: the record still makes no valid event. Mend its cause, then run again',
    body: message.Body ?? '',
  };
}

async function replayMessage(
  tools: ReplayTools,
  request: ReplayRequest,
  target: { queueUrl: string; functionName: string },
  message: Message,
  change: UnpublishedChange,
): Promise<MessageReport> {
  const body = message.Body ?? '';
  const report: MessageReport = { messageId: message.MessageId ?? '', kind: change.kind, where: '', records: [], result: 'left', deleted: false, body };
  const leave = (why: string): MessageReport => ({ ...report, result: 'left', why });
  if (change.kind === 'unknown') return leave(`not a message this command knows: ${change.why}`);

  try {
    let records: DynamoDBRecord[];
    if (change.kind === 'batch') {
      const { range } = change;
      report.where = `shard ${range.shardId}, ${range.startSequenceNumber}..${range.endSequenceNumber}`;
      const read = await readStreamRange(tools.streams, range);
      if ('gone' in read) {
        return leave(
          `the stream no longer holds these records (${read.gone}), so they cannot be replayed: the events and refund requests ` +
            "they owed must be found by hand, from the orders changed at that time (the orders table) and the charges their refunds name (payment-service's charges)",
        );
      }
      records = read.records.map((r) => lambdaStreamRecord(r, { streamArn: range.streamArn, region: tools.region }));
    } else {
      report.where = `poison record ${change.record.dynamodb?.SequenceNumber ?? ''}, kept for: ${change.reason}`;
      records = [change.record];
    }
    report.records = records.map(recordLine);
    if (request.dryRun) return { ...report, result: 'would-replay' };

    const failed = await invoke(tools.lambda, target.functionName, records);
    // What the function did publish before it failed goes out again, under the same ids, when this is run again.
    if (failed) return leave(`${failed}: run again once the cause is mended`);
    if (request.delete) {
      try {
        await tools.sqs.send(new DeleteMessageCommand({ QueueUrl: target.queueUrl, ReceiptHandle: message.ReceiptHandle }));
      } catch (error) {
        return leave(`replayed, but deleting the message failed (${(error as Error).message}): a run again replays it again, which is safe`);
      }
    }
    return { ...report, result: 'replayed', deleted: request.delete === true };
  } catch (error) {
    return leave(`${(error as Error).name}: ${(error as Error).message}`);
  }
}

/** Invokes the function as the mapping does; answers why it did not take the records, or undefined when it took them all. */
async function invoke(lambda: Pick<LambdaClient, 'send'>, functionName: string, records: DynamoDBRecord[]): Promise<string | undefined> {
  const answer = await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      Qualifier: LIVE_ALIAS,
      InvocationType: 'RequestResponse',
      Payload: new TextEncoder().encode(JSON.stringify({ Records: records })),
    }),
  );
  const payload = answer.Payload ? new TextDecoder().decode(answer.Payload) : '';
  if (answer.FunctionError) return `${functionName}:${LIVE_ALIAS} failed (${answer.FunctionError}): ${payload}`;
  let failures: { itemIdentifier?: string }[] | undefined;
  try {
    failures = (JSON.parse(payload) as { batchItemFailures?: { itemIdentifier?: string }[] } | null)?.batchItemFailures;
  } catch {
    // Lambda takes an answer that is not a partial batch response as a success; so does this.
  }
  if (failures?.length) return `${functionName}:${LIVE_ALIAS} reported record ${failures.map((f) => f.itemIdentifier).join(', ')} not published`;
  return undefined;
}

function recordLine(record: DynamoDBRecord): RecordLine {
  const { Keys, OldImage, NewImage, SequenceNumber } = record.dynamodb ?? {};
  const orderId = Keys?.['orderId']?.S;
  const from = OldImage?.['status']?.S;
  const to = NewImage?.['status']?.S;
  return { sequenceNumber: SequenceNumber ?? '', eventName: record.eventName ?? '', ...(orderId && { orderId }), ...(from && { from }), ...(to && { to }) };
}

/** One message, as a person reads it: what it pointed at, what became of it, and the records. */
export function formatReport(report: MessageReport): string[] {
  const verdict = { replayed: report.deleted ? 'replayed, deleted' : 'replayed, kept (--delete deletes it)', 'would-replay': 'would replay', left: 'LEFT' }[report.result];
  const lines = [`${verdict}: message ${report.messageId}${report.where && `, ${report.where}`}`];
  for (const r of report.records) {
    const status = r.from && r.to && r.from !== r.to ? `${r.from} → ${r.to}` : (r.to ?? r.from ?? '');
    lines.push(`  ${r.sequenceNumber}  ${r.eventName.padEnd(6)}  order ${r.orderId ?? '?'}  ${status}`.trimEnd());
  }
  if (report.result === 'left') lines.push(`  why: ${report.why}`, `  the message: ${report.body}`);
  return lines;
}

export function formatSummary(summary: ReplaySummary, request: Pick<ReplayRequest, 'dryRun'>): string[] {
  const { messages, replayed, deleted, wouldReplay, left } = summary;
  const done = request.dryRun ? `${wouldReplay} would be replayed` : `${replayed} replayed (${deleted} deleted)`;
  return [
    `${messages.length} message(s) read: ${done}, ${left.length} left in the queue${left.length ? ':' : '.'}`,
    ...left.map((r) => `  ${r.messageId}: ${r.why}`),
  ];
}

export interface ReplayClientsConfig {
  region: string;
  credentials?: SQSClientConfig['credentials'];
  /** Each defaults to the SDK's own (AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL_DYNAMODB_STREAMS, AWS_ENDPOINT_URL_LAMBDA, else AWS). */
  endpoints?: { sqs?: string; dynamodbStreams?: string; lambda?: string };
}

/** The clients a replay needs; `destroy` closes them. */
export function replayClients(config: ReplayClientsConfig): ReplayTools & { destroy(): void } {
  const common = { region: config.region, ...(config.credentials && { credentials: config.credentials }) };
  const endpoint = (url: string | undefined) => (url ? { endpoint: url } : {});
  const sqs = new SQSClient({ ...common, ...endpoint(config.endpoints?.sqs) });
  const streams = new DynamoDBStreamsClient({ ...common, ...endpoint(config.endpoints?.dynamodbStreams) });
  const lambda = new LambdaClient({ ...common, ...endpoint(config.endpoints?.lambda) });
  return {
    sqs,
    streams,
    lambda,
    region: config.region,
    destroy: () => [sqs, streams, lambda].forEach((client) => client.destroy()),
  };
}
