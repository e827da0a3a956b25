import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Logger } from '../logger';
import { type BatchResponse, batchResponse, logItemFailure } from './batch';
import { carriedCorrelationId, markHandler, startInvocation } from './invocation';
import { type InputSchema, type Parsed, parseInput } from './parse';

export interface StreamItem<T> {
  /** The record checked by the schema (which gets the whole DynamoDB stream record). */
  change: T;
  correlationId: string;
  /** Carries `correlationId` and the record's `sequenceNumber` on every line. */
  log: Logger;
  record: DynamoDBRecord;
}

export interface StreamHandlerOptions<T> {
  /** The correlation id a checked record carries; by default its top-level `correlationId`, else its sequence number. */
  correlationId?: (change: T) => string | undefined;
  /**
   * Keeps whole, somewhere durable, a record that fails the schema and so can never succeed. Once
   * it resolves, the batch goes on past the record; if it throws, the batch stops before the record,
   * which is retried. Without it, a poison record is retried, and after the mapping's retries Lambda
   * discards it with the rest of its batch.
   */
  onPoison?: (record: DynamoDBRecord, error: unknown) => Promise<void>;
}

/**
 * Wraps a DynamoDB stream consumer whose mapping reports partial batch failures. A stream is in
 * order per shard and a failure means "retry from here", so `handle` gets the batch's records,
 * checked and in order, at once (it may group their effects) and answers the first it could not
 * finish; Lambda retries from that one, and what follows it comes again too. A record that fails
 * the schema is poison: logged without its images, and kept by `onPoison` when given, past which
 * the batch goes on; otherwise (or when keeping it fails) the batch stops just before it, so it is
 * retried and, after the mapping's retries, discarded with the rest of its batch (the on-failure
 * destination gets where they lay). A poison record is kept only once what precedes it is done
 * (`handle` gets the records before it, then those after it, apart): a retry from before it would
 * bring it back, and keep it twice. `handle` throwing fails the whole batch, unless records before
 * a kept poison record are done: then the batch is retried from the records it was given.
 */
export function streamHandler<S extends InputSchema>(
  schema: S,
  handle: (items: StreamItem<Parsed<S>>[], context: Context | undefined) => Promise<{ retryFrom?: StreamItem<Parsed<S>> }>,
  options: StreamHandlerOptions<Parsed<S>> = {},
) {
  return markHandler(async (event: DynamoDBStreamEvent, context?: Context): Promise<BatchResponse> => {
    const invocation = startInvocation('table-stream', context);
    let pending: StreamItem<Parsed<S>>[] = [];
    let done = false;
    /** Hands the checked records not yet handled over: the record to retry from, if any. */
    const handlePending = async (): Promise<DynamoDBRecord | undefined> => {
      if (pending.length === 0) return undefined;
      const items = pending;
      pending = [];
      try {
        const retryFrom = (await handle(items, context)).retryFrom?.record;
        done = true;
        return retryFrom;
      } catch (error) {
        logItemFailure('table-stream', invocation.logger(invocation.awsRequestId), error, 'batch');
        if (!done) throw error;
        return items[0]?.record;
      }
    };

    let retryFrom: DynamoDBRecord | undefined;
    for (const record of event.Records) {
      const sequenceNumber = record.dynamodb?.SequenceNumber ?? 'unknown';
      const source = `stream record ${sequenceNumber}`;
      try {
        const change = parseInput(schema, record, source);
        const correlationId = (options.correlationId ?? carriedCorrelationId)(change) ?? sequenceNumber;
        pending.push({ change, correlationId, log: invocation.logger(correlationId, { sequenceNumber }), record });
        continue;
      } catch (error) {
        const log = invocation.logger(sequenceNumber, { sequenceNumber });
        logItemFailure('table-stream', log, error, 'stream record');
        retryFrom = await handlePending();
        if (retryFrom) break;
        if (options.onPoison) {
          try {
            await options.onPoison(record, error);
            log.warn({ eventId: record.eventID }, 'poison stream record kept aside; the batch goes on past it');
            continue;
          } catch (keepError) {
            log.error({ err: keepError }, 'could not keep the poison stream record aside; the batch stops before it');
          }
        }
        retryFrom = record;
        break;
      }
    }
    retryFrom ??= await handlePending();

    const sequenceNumber = retryFrom?.dynamodb?.SequenceNumber;
    invocation
      .logger(invocation.awsRequestId)
      .info({ records: event.Records.length, retryFrom: sequenceNumber, durationMs: Date.now() - invocation.started }, 'batch processed');
    return batchResponse(sequenceNumber ? [sequenceNumber] : []);
  }, ['table-stream']);
}
