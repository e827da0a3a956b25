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
}

/**
 * Wraps a DynamoDB stream consumer whose mapping reports partial batch failures. A stream is in
 * order per shard and a failure means "retry from here", so `handle` gets the batch's records,
 * checked and in order, at once (it may group their effects) and answers the first it could not
 * finish; Lambda retries from that one, and what follows it comes again too. A record that fails
 * the schema is poison: logged without its images, and the batch handed to `handle` stops just
 * before it, so it is retried and, after the mapping's retries, sent to its on-failure destination.
 * `handle` throwing fails the whole batch.
 */
export function streamHandler<S extends InputSchema>(
  schema: S,
  handle: (items: StreamItem<Parsed<S>>[], context: Context | undefined) => Promise<{ retryFrom?: StreamItem<Parsed<S>> }>,
  options: StreamHandlerOptions<Parsed<S>> = {},
) {
  return markHandler(async (event: DynamoDBStreamEvent, context?: Context): Promise<BatchResponse> => {
    const invocation = startInvocation('table-stream', context);
    const items: StreamItem<Parsed<S>>[] = [];
    let poison: DynamoDBRecord | undefined;
    for (const record of event.Records) {
      const sequenceNumber = record.dynamodb?.SequenceNumber ?? 'unknown';
      const source = `stream record ${sequenceNumber}`;
      try {
        const change = parseInput(schema, record, source);
        const correlationId = (options.correlationId ?? carriedCorrelationId)(change) ?? sequenceNumber;
        items.push({ change, correlationId, log: invocation.logger(correlationId, { sequenceNumber }), record });
      } catch (error) {
        logItemFailure('table-stream', invocation.logger(sequenceNumber, { sequenceNumber }), error, 'stream record');
        poison = record;
        break;
      }
    }

    let retryFrom: DynamoDBRecord | undefined;
    try {
      retryFrom = items.length > 0 ? (await handle(items, context)).retryFrom?.record : undefined;
    } catch (error) {
      logItemFailure('table-stream', invocation.logger(invocation.awsRequestId), error, 'batch');
      throw error;
    }
    const first = retryFrom ?? poison;
    const sequenceNumber = first?.dynamodb?.SequenceNumber;
    invocation
      .logger(invocation.awsRequestId)
      .info({ records: event.Records.length, retryFrom: sequenceNumber, durationMs: Date.now() - invocation.started }, 'batch processed');
    return batchResponse(sequenceNumber ? [sequenceNumber] : []);
  }, ['table-stream']);
}
