import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import type { LambdaRuntime } from '../lambda-runtime';
import { parseTraceHeader } from '../trace-context';
import { batchOutcome } from './batch-response';
import type { LocalQueue } from './queues';
import { sendableMessageAttributes, sqsRecord } from './sqs-event';

/**
 * An SQS event source mapping: polls a queue, invokes the function with batches in the
 * SQSEvent shape, deletes what succeeded and leaves what failed to come back after its
 * visibility timeout (partial batch responses, as with `ReportBatchItemFailures`). A message
 * received `maxReceiveCount` times without success moves to the queue's dead-letter queue.
 *
 * Differences from Lambda, on purpose: one batch at a time per mapping (Lambda runs up to
 * several at once); and the mapping, not the queue, dead-letters (see queues.ts), so it keeps
 * the receive counts itself. A dead-lettered message is sent anew, with a new message id.
 */

export interface QueuePollerOptions {
  sqs: SQSClient;
  runtime: LambdaRuntime;
  /** Physical name of the consuming function. */
  functionName: string;
  queue: LocalQueue;
  batchSize: number;
  /** Seconds to gather a batch before invoking; 0 invokes with what is there. */
  maxBatchingWindowSeconds?: number;
  region: string;
  /**
   * Local acceleration: after a failed batch its messages stay invisible this long instead of
   * the queue's visibility timeout, so that retries and dead-lettering take seconds in tests.
   */
  retryDelaySeconds?: number;
  log?: (line: string) => void;
}

/** SQS answers at most 10 messages per ReceiveMessage, and holds a long poll at most 20 s. */
const MAX_MESSAGES_PER_RECEIVE = 10;
const LONG_POLL_SECONDS = 20;
const PAUSE_AFTER_ERROR_MS = 1_000;

export class QueuePoller {
  private readonly receiveCounts = new Map<string, number>();
  private readonly aborter = new AbortController();
  private readonly log: (line: string) => void;
  private running?: Promise<void>;
  private stopped = false;

  constructor(private readonly options: QueuePollerOptions) {
    this.log = options.log ?? (() => undefined);
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Ends the current long poll, lets a batch in work finish, and polls no more. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.aborter.abort();
    await this.running;
  }

  private get name(): string {
    return `${this.options.queue.name} → ${this.options.functionName}`;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const batch = await this.gather();
        // Messages received while stopping come back after their visibility timeout.
        if (batch.length > 0 && !this.stopped) await this.deliver(batch);
      } catch (error) {
        if (this.stopped) break;
        this.log(`${this.name}: polling failed (${(error as Error).message}); trying again`);
        await new Promise((resolve) => setTimeout(resolve, PAUSE_AFTER_ERROR_MS));
      }
    }
  }

  /**
   * Waits for a first message, then gathers more until the batch is full or the batching
   * window has passed. local-aws-sqs holds a long poll until it has as many messages as asked
   * for (SQS answers as soon as it has any), so the first message is asked for alone.
   */
  private async gather(): Promise<Message[]> {
    const batch = await this.receive(1, LONG_POLL_SECONDS);
    if (batch.length === 0) return batch;
    const windowEnds = Date.now() + (this.options.maxBatchingWindowSeconds ?? 0) * 1000;
    while (batch.length < this.options.batchSize && !this.stopped) {
      const secondsLeft = Math.max(0, Math.floor((windowEnds - Date.now()) / 1000));
      const room = Math.min(MAX_MESSAGES_PER_RECEIVE, this.options.batchSize - batch.length);
      batch.push(...(await this.receive(room, secondsLeft)));
      if (Date.now() >= windowEnds) break;
    }
    return batch;
  }

  private async receive(maxMessages: number, waitSeconds: number): Promise<Message[]> {
    const { Messages = [] } = await this.options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queue.url,
        MaxNumberOfMessages: maxMessages,
        WaitTimeSeconds: waitSeconds,
        // local-aws-sqs answers system attributes for the older AttributeNames only.
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: this.aborter.signal },
    );
    for (const message of Messages) {
      const id = message.MessageId ?? '';
      this.receiveCounts.set(id, (this.receiveCounts.get(id) ?? 0) + 1);
    }
    return Messages;
  }

  private async deliver(batch: Message[]): Promise<void> {
    const { queue, region, runtime, functionName } = this.options;
    const event: SQSEvent = {
      Records: batch.map((m) => sqsRecord(m, { queueArn: queue.arn, region }, this.receiveCounts.get(m.MessageId ?? '') ?? 1)),
    };
    // Lambda continues the trace of the batch's first message (its AWSTraceHeader), or starts one.
    const trace = parseTraceHeader(batch[0]?.Attributes?.['AWSTraceHeader']) ?? null;
    const result = await runtime.invoke(functionName, event, { trace }).catch((error: Error) => ({
      ok: false as const,
      error: { errorType: error.name, errorMessage: error.message },
    }));
    const outcome = batchOutcome(result, batch.map((m) => m.MessageId ?? ''));
    const failed = outcome.failed === 'all' ? batch : batch.filter((m) => outcome.messageIds.has(m.MessageId ?? ''));

    await this.delete(batch.filter((m) => !failed.includes(m)));
    if (failed.length === 0) return;
    this.log(`${this.name}: ${failed.length} of ${batch.length} message(s) failed${outcome.failed === 'all' ? ` (${outcome.reason})` : ''}`);
    for (const message of failed) await this.retryOrDeadLetter(message);
  }

  private async retryOrDeadLetter(message: Message): Promise<void> {
    const { sqs, queue, retryDelaySeconds } = this.options;
    const receives = this.receiveCounts.get(message.MessageId ?? '') ?? 1;
    if (receives >= queue.def.maxReceiveCount) return this.deadLetter(message, receives);
    // Without the acceleration the message reappears when its visibility timeout ends, as on AWS.
    if (retryDelaySeconds !== undefined) {
      await sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: retryDelaySeconds }),
      );
    }
  }

  private async deadLetter(message: Message, receives: number): Promise<void> {
    const { sqs, queue } = this.options;
    const MessageAttributes = sendableMessageAttributes(message.MessageAttributes);
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queue.deadLetter.url, MessageBody: message.Body ?? '', ...(MessageAttributes && { MessageAttributes }) }),
    );
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle }));
    this.receiveCounts.delete(message.MessageId ?? '');
    this.log(`${this.name}: message ${message.MessageId} moved to ${queue.deadLetter.name} after ${receives} receives`);
  }

  private async delete(messages: Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += MAX_MESSAGES_PER_RECEIVE) {
      const chunk = messages.slice(i, i + MAX_MESSAGES_PER_RECEIVE);
      const { Failed = [] } = await this.options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queue.url,
          Entries: chunk.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      for (const failure of Failed) this.log(`${this.name}: deleting a message failed: ${failure.Message ?? failure.Code}`);
      for (const m of chunk) this.receiveCounts.delete(m.MessageId ?? '');
    }
  }
}
