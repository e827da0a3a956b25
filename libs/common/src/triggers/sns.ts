import type { Context, SNSEvent, SNSEventRecord } from 'aws-lambda';
import type { Logger } from '../logger';
import { markHandler, startInvocation } from './invocation';
import { type InputSchema, type Parsed, parseJson } from './parse';
import { handleOneEvent } from './single-event';

export interface SnsMessage<T> {
  /** The message text, parsed as JSON and checked against the schema. */
  message: T;
  /** The message's `correlationId`, or SNS's message id when it carries none. */
  correlationId: string;
  log: Logger;
  record: SNSEventRecord;
  context: Context;
}

/**
 * Wraps a function subscribed to an SNS topic. SNS invokes it asynchronously with one message;
 * the message text is checked against `schema` before `handle` runs. A message that is not valid,
 * or that `handle` fails on, fails the invocation: Lambda retries it, then puts it with the error
 * on the function's on-failure destination.
 */
export function snsHandler<S extends InputSchema>(schema: S, handle: (message: SnsMessage<Parsed<S>>) => Promise<void>) {
  return markHandler(async (event: SNSEvent, context: Context): Promise<void> => {
    const invocation = startInvocation('topic', context);
    for (const record of event.Records) {
      const { MessageId } = record.Sns;
      const source = `message ${MessageId}`;
      await handleOneEvent(
        invocation,
        { raw: () => parseJson(record.Sns.Message, source), what: 'message', source, fallbackCorrelationId: MessageId, bindings: { snsMessageId: MessageId } },
        schema,
        (message, correlationId, log) => handle({ message, correlationId, log, record, context }),
      );
    }
  }, ['topic']);
}
