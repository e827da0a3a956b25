import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from '../logger';
import { AllRecordsFailedError, type BatchResponse, batchResponse, logItemFailure } from './batch';
import { carriedCorrelationId, carriedOrderBinding, type Invocation, markHandler, startInvocation } from './invocation';
import { type InputSchema, type Parsed, parseInput, parseJson } from './parse';

export interface SqsMessage<T> {
  /** The body, parsed as JSON and checked against the schema. */
  message: T;
  /** The message's `correlationId`, or its message id when it carries none. */
  correlationId: string;
  /** Carries `correlationId` and `messageId` on every line. */
  log: Logger;
  record: SQSRecord;
  context: Context;
}

export interface SqsHandlerOptions {
  /**
   * Process the messages of a batch one after another (false) rather than all at once (true, the
   * default). One after another when two messages of a batch may touch the same thing.
   */
  inParallel?: boolean;
}

/**
 * Wraps an SQS consumer whose event source mapping reports partial batch failures. Each message's
 * body is checked against `schema`; one that is not JSON or does not match is a poison message:
 * logged without its body and reported failed, so the queue brings it back and, after its
 * receives, moves it to the dead-letter queue, while the rest of the batch goes on. A message
 * `handle` throws for is reported failed alone. When every message failed, the invocation fails.
 */
export function sqsHandler<S extends InputSchema>(
  schema: S,
  handle: (message: SqsMessage<Parsed<S>>) => Promise<void>,
  options: SqsHandlerOptions = {},
) {
  const inParallel = options.inParallel ?? true;
  return markHandler(async (event: SQSEvent, context: Context): Promise<BatchResponse> => {
    const redelivered = event.Records.filter((r) => Number(r.attributes?.ApproximateReceiveCount ?? 1) > 1).length;
    const invocation = startInvocation('queue', context, redelivered);
    const run = (record: SQSRecord) => processRecord(invocation, schema, handle, record, context);
    let outcomes: boolean[];
    if (inParallel) {
      outcomes = await Promise.all(event.Records.map(run));
    } else {
      outcomes = [];
      for (const record of event.Records) outcomes.push(await run(record));
    }
    const failed = event.Records.filter((_, i) => !outcomes[i]).map((r) => r.messageId);
    invocation
      .logger(invocation.awsRequestId)
      .info({ records: event.Records.length, failed: failed.length, durationMs: Date.now() - invocation.started }, 'batch processed');
    if (failed.length > 0 && failed.length === event.Records.length) throw new AllRecordsFailedError(failed.length);
    return batchResponse(failed);
  }, ['queue']);
}

/** True when the message is done. */
async function processRecord<S extends InputSchema>(
  invocation: Invocation,
  schema: S,
  handle: (message: SqsMessage<Parsed<S>>) => Promise<void>,
  record: SQSRecord,
  context: Context,
): Promise<boolean> {
  const source = `message ${record.messageId}`;
  let log = invocation.logger(record.messageId, { messageId: record.messageId });
  let about = {};
  try {
    const message = parseInput(schema, parseJson(record.body, source), source);
    const correlationId = carriedCorrelationId(message) ?? record.messageId;
    if (correlationId !== record.messageId) log = invocation.logger(correlationId, { messageId: record.messageId });
    about = carriedOrderBinding(message);
    await handle({ message, correlationId, log, record, context });
    return true;
  } catch (error) {
    // The handler binds the ids it works with to its own lines; the failure's line names the order too.
    logItemFailure('queue', Object.keys(about).length > 0 ? log.child(about) : log, error, 'message');
    return false;
  }
}
