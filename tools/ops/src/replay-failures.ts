import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, GetQueueUrlCommand, type Message, SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { LIVE_ALIAS, parseRef, physicalName, type ServiceManifest } from '@shop/platform';
import * as z from 'zod';
import { UsageError } from './options';
import { countReplays, eachQueueMessage } from './queue-messages';
import { UNPUBLISHED_CHANGES } from './replay-stream';

/**
 * Replays what an asynchronously invoked function's on-failure queue holds: Lambda's record of an
 * event the function kept failing on after its retries (`asyncInvoke` in the manifests:
 * notification-service's failed-notifications, analytics-service's failed-events and
 * failed-reports). Each record's `requestPayload`, the event as the function was given it, goes to
 * the function the record names, through its `live` alias, and the message is deleted only once
 * the function took it, and only when asked. Without `delete`, nothing is invoked: the run says what
 * it would invoke.
 *
 * That is safe to do twice: send-notification sends a notification once per channel (for 7 days),
 * analytics counts an event once by its id, and generate-report writes the same report again.
 *
 * The payload can hold a customer's e-mail address or phone number: what is reported of a message
 * is its request id, the function and the outcome, never the payload, and an error's message with
 * addresses and numbers masked.
 */

/** An on-failure queue of asynchronous invokes, and the functions (`service/function`) whose failures go there. */
export interface OnFailureQueue {
  service: string;
  queue: string;
  functions: string[];
}

/** How many messages a run reads when not told. */
export const DEFAULT_MAX = 10;


export interface ReplayFailuresTools {
  sqs: Pick<SQSClient, 'send'>;
  lambda: Pick<LambdaClient, 'send'>;
}

export interface ReplayFailuresRequest {
  stage: string;
  queue: OnFailureQueue;
  /** Reads at most this many messages; {@link DEFAULT_MAX} when not given. */
  max?: number;
  /** Invokes the function with each record's event, and deletes each message it took. Without it, a dry run: nothing is invoked or deleted. */
  delete?: boolean;
  /** Told of each message as it is done with, for a person watching. */
  onMessage?: (report: FailureReport) => void;
}

export interface FailureReport {
  messageId: string;
  /** The failed invocation's request id, as Lambda's record gives it: how to find it in the function's log. */
  requestId?: string;
  /** The physical name of the function the record names. */
  functionName?: string;
  /** How the invocation failed then: the condition, the attempts, the error's type. */
  failedWith?: string;
  result: 'replayed' | 'would-replay' | 'left';
  deleted: boolean;
  /** For `left`: why, and what a person must do. */
  why?: string;
}

export interface FailuresSummary {
  messages: FailureReport[];
  replayed: number;
  deleted: number;
  wouldReplay: number;
  left: FailureReport[];
  /** Whether the run stopped at `max`: the queue may hold more. */
  reachedMax: boolean;
}

/** The on-failure queues the manifests name in `asyncInvoke`, each with the functions that fail into it. */
export function onFailureQueues(manifests: readonly ServiceManifest[]): OnFailureQueue[] {
  const queues = new Map<string, OnFailureQueue>();
  for (const manifest of manifests) {
    for (const [name, fn] of Object.entries(manifest.functions)) {
      if (!fn.asyncInvoke) continue;
      const ref = fn.asyncInvoke.onFailure;
      const { service, name: queue } = parseRef(ref);
      const entry = queues.get(ref) ?? { service, queue, functions: [] };
      entry.functions.push(`${manifest.name}/${name}`);
      queues.set(ref, entry);
    }
  }
  return [...queues.values()];
}

/** `--queue <service>/<queue>`: one of the on-failure queues the manifests name, or a usage error that lists them. */
export function onFailureQueue(value: string | undefined, manifests: readonly ServiceManifest[]): OnFailureQueue {
  const queues = onFailureQueues(manifests);
  const expected = `expected one of ${queues.map((q) => `${q.service}/${q.queue}`).join(', ')}`;
  if (!value) throw new UsageError(`--queue is required: ${expected}`);
  const found = queues.find((q) => `${q.service}/${q.queue}` === value);
  if (found) return found;
  // The orders stream's dead-letter queue holds where batches lie, not events: it has its own command.
  const stream = value === `${UNPUBLISHED_CHANGES.service}/${UNPUBLISHED_CHANGES.queue}` ? ' (a stream mapping\'s, which npm run replay-stream replays)' : '';
  throw new UsageError(`--queue is "${value}": not the on-failure queue of an asynchronously invoked function${stream}; ${expected}`);
}

export async function replayFailures(tools: ReplayFailuresTools, request: ReplayFailuresRequest): Promise<FailuresSummary> {
  const { service, queue } = request.queue;
  const max = request.max ?? DEFAULT_MAX;
  const queueName = physicalName(request.stage, service, queue);
  const { QueueUrl: queueUrl } = await tools.sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
  if (!queueUrl) throw new Error(`GetQueueUrl answered no URL for ${queueName}`);
  // The functions whose failures this queue takes, by physical name: the only ones a record may have invoked.
  const functions = new Set(
    request.queue.functions.map((ref) => {
      const fn = parseRef(ref);
      return physicalName(request.stage, fn.service, fn.name);
    }),
  );

  const reports: FailureReport[] = [];
  await eachQueueMessage(tools.sqs, queueUrl, max, async (message) => {
    const report = await replayMessage(tools, request, { queueUrl, functions }, message);
    reports.push(report);
    request.onMessage?.(report);
    return report;
  });
  return { ...countReplays(reports), reachedMax: reports.length >= max };
}

async function replayMessage(
  tools: ReplayFailuresTools,
  request: ReplayFailuresRequest,
  target: { queueUrl: string; functions: ReadonlySet<string> },
  message: Message,
): Promise<FailureReport> {
  const report: FailureReport = { messageId: message.MessageId ?? '', result: 'left', deleted: false };
  const leave = (why: string): FailureReport => ({ ...report, result: 'left', why });
  const parsed = failureRecord(message.Body);
  if ('why' in parsed) return leave(`not Lambda's record of a failed asynchronous invocation: ${parsed.why}`);
  const { record } = parsed;
  report.requestId = record.requestId;
  report.functionName = record.functionName;
  report.failedWith = record.failedWith;
  if (!target.functions.has(record.functionName)) {
    return leave(`the record names ${record.functionName}, which does not send its failures to this queue: look at it by hand`);
  }
  if (!request.delete) return { ...report, result: 'would-replay' };

  try {
    const failed = await invoke(tools.lambda, record.functionName, record.payload);
    if (failed) return leave(`${failed}: run again once the cause is mended`);
  } catch (error) {
    return leave(`invoking ${record.functionName}:${LIVE_ALIAS} failed: ${(error as Error).name}: ${withoutContacts((error as Error).message)}`);
  }
  try {
    await tools.sqs.send(new DeleteMessageCommand({ QueueUrl: target.queueUrl, ReceiptHandle: message.ReceiptHandle }));
  } catch (error) {
    return leave(`replayed, but deleting the message failed (${(error as Error).message}): a run again replays it again, which is safe`);
  }
  return { ...report, result: 'replayed', deleted: true };
}

/** What a replay needs of Lambda's record: the function, the event it was given, and how it failed. */
interface FailedInvocation {
  requestId: string;
  functionName: string;
  failedWith: string;
  payload: unknown;
}

/** `arn:aws:lambda:<region>:<account>:function:<name>`, with or without a `:<qualifier>`. */
const FUNCTION_ARN = /^arn:[\w-]+:lambda:[\w-]*:\d*:function:([\w-]+)(?::[\w$-]+)?$/;

/**
 * Lambda's record (tools/local-cloud/src/async-invoke/destination-record.ts writes the same):
 * `{version, timestamp, requestContext: {requestId, functionArn, condition, approximateInvokeCount},
 * requestPayload, responseContext, responsePayload}`. Only what a replay reads is checked; the
 * payload goes to the function as it is.
 */
const AsyncFailureRecord = z.object({
  requestContext: z.object({
    requestId: z.string().min(1),
    functionArn: z.string().regex(FUNCTION_ARN, 'a function ARN'),
    condition: z.string(),
    approximateInvokeCount: z.number().optional(),
  }),
  responsePayload: z.looseObject({ errorType: z.string().optional() }).nullish(),
});

function failureRecord(body: string | undefined): { record: FailedInvocation } | { why: string } {
  let message: unknown;
  try {
    message = JSON.parse(body ?? '');
  } catch {
    return { why: 'the body is not JSON' };
  }
  const parsed = AsyncFailureRecord.safeParse(message);
  if (!parsed.success) {
    // The paths only: the messages of a failed check can quote the values.
    const paths = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(the body)'))];
    return { why: `${paths.join(', ')} missing or not as Lambda writes it` };
  }
  // A stream mapping's record says where its batch lies instead of holding the event.
  if (!Object.hasOwn(message as object, 'requestPayload')) return { why: 'it holds no requestPayload, the event to replay' };
  const { requestContext, responsePayload } = parsed.data;
  const attempts = requestContext.approximateInvokeCount === undefined ? '' : ` after ${requestContext.approximateInvokeCount} invocation(s)`;
  return {
    record: {
      requestId: requestContext.requestId,
      functionName: FUNCTION_ARN.exec(requestContext.functionArn)?.[1] ?? '',
      failedWith: `${requestContext.condition}${attempts}${responsePayload?.errorType ? `, ${responsePayload.errorType}` : ''}`,
      payload: (message as { requestPayload: unknown }).requestPayload,
    },
  };
}

/** Invokes the function's `live` alias with the event, and waits for its answer; answers why it failed, or undefined when it took the event. */
async function invoke(lambda: Pick<LambdaClient, 'send'>, functionName: string, payload: unknown): Promise<string | undefined> {
  const answer = await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      Qualifier: LIVE_ALIAS,
      InvocationType: 'RequestResponse',
      Payload: new TextEncoder().encode(JSON.stringify(payload)),
    }),
  );
  if (!answer.FunctionError) return undefined;
  const error = errorPayload(answer.Payload);
  const type = typeof error.errorType === 'string' ? error.errorType : 'an error';
  const text = typeof error.errorMessage === 'string' ? `: ${withoutContacts(error.errorMessage)}` : '';
  return `${functionName}:${LIVE_ALIAS} failed again (${answer.FunctionError}), ${type}${text}`;
}

/** Lambda's error answer, `{errorType, errorMessage, trace}`; empty when the answer is not that. */
function errorPayload(payload: Uint8Array | undefined): { errorType?: unknown; errorMessage?: unknown } {
  try {
    const error = JSON.parse(payload ? new TextDecoder().decode(payload) : '') as unknown;
    return typeof error === 'object' && error !== null ? error : {};
  } catch {
    return {};
  }
}

const LONGEST_ERROR = 300;

/**
 * An error's message fit to print: e-mail addresses and phone numbers masked (SES names the
 * address it refused), and cut short. The function's log holds it whole.
 */
export function withoutContacts(text: string): string {
  const masked = text.replace(/[^\s@"'<>(),;:[\]]+@[^\s@"'<>(),;:[\]]+/g, '<e-mail>').replace(/\+\d{8,15}\b/g, '<phone>');
  return masked.length > LONGEST_ERROR ? `${masked.slice(0, LONGEST_ERROR)}…` : masked;
}

/** One message, as a person reads it: the failed request, the function, what became of it. Never the event. */
export function formatFailureReport(report: FailureReport): string[] {
  const verdict = { replayed: 'replayed, deleted', 'would-replay': 'would invoke', left: 'LEFT' }[report.result];
  const what = report.functionName ? `, request ${report.requestId} to ${report.functionName}:${LIVE_ALIAS} (failed: ${report.failedWith})` : '';
  const lines = [`${verdict}: message ${report.messageId}${what}`];
  if (report.result === 'left') lines.push(`  why: ${report.why}`);
  return lines;
}

export function formatFailuresSummary(summary: FailuresSummary, request: Pick<ReplayFailuresRequest, 'delete' | 'max'>): string[] {
  const { messages, replayed, deleted, wouldReplay, left } = summary;
  const done = request.delete ? `${replayed} replayed (${deleted} deleted)` : `${wouldReplay} would be replayed (--delete replays them and deletes each one replayed)`;
  return [
    `${messages.length} message(s) read: ${done}, ${left.length} left in the queue${left.length ? ':' : '.'}`,
    ...left.map((r) => `  ${r.messageId}${r.requestId ? ` (request ${r.requestId})` : ''}: ${r.why}`),
    ...(summary.reachedMax ? [`stopped at --max ${request.max ?? DEFAULT_MAX}: the queue may hold more`] : []),
  ];
}

export interface FailureReplayClientsConfig {
  region: string;
  credentials?: SQSClientConfig['credentials'];
  /** Each defaults to the SDK's own (AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL_LAMBDA, else AWS). */
  endpoints?: { sqs?: string; lambda?: string };
}

/** The clients a replay of failures needs; `destroy` closes them. */
export function failureReplayClients(config: FailureReplayClientsConfig): ReplayFailuresTools & { destroy(): void } {
  const common = { region: config.region, ...(config.credentials && { credentials: config.credentials }) };
  const endpoint = (url: string | undefined) => (url ? { endpoint: url } : {});
  const sqs = new SQSClient({ ...common, ...endpoint(config.endpoints?.sqs) });
  const lambda = new LambdaClient({ ...common, ...endpoint(config.endpoints?.lambda) });
  return { sqs, lambda, destroy: () => [sqs, lambda].forEach((client) => client.destroy()) };
}
