import { ChangeMessageVisibilityCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * How long a message received by a command stays hidden from everyone else: longer than a replay
 * of it takes, so that no one replays it at the same time.
 */
export const VISIBILITY_TIMEOUT_SECONDS = 15 * 60;

/**
 * Reads the queue's messages, at most `max`, each once, and hands each to `handle`, which answers
 * whether it deleted the message. The queue is read until it answers no message not seen in this
 * run: a message whose visibility ran out in a long run comes back, and is not handled again. What
 * was received and not deleted shows in the queue again at the end, at once, for the next run and
 * for whoever reads the queue.
 */
export async function eachQueueMessage(
  sqs: Pick<SQSClient, 'send'>,
  queueUrl: string,
  max: number,
  handle: (message: Message & { MessageId: string }) => Promise<{ deleted: boolean }>,
): Promise<void> {
  const seen = new Set<string>();
  // The messages received and not deleted, by id, with the receipt handle of their last receipt.
  const held = new Map<string, string>();
  try {
    while (seen.size < max) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, max - seen.size),
          VisibilityTimeout: VISIBILITY_TIMEOUT_SECONDS,
          // Long polling asks every SQS server, so an empty answer means an empty queue.
          WaitTimeSeconds: 1,
        }),
      );
      const fresh = Messages.filter((m): m is Message & { MessageId: string } => m.MessageId !== undefined && !seen.has(m.MessageId));
      // The last receipt's handle is the one that deletes a message or shows it again.
      for (const m of Messages) if (m.MessageId && m.ReceiptHandle) held.set(m.MessageId, m.ReceiptHandle);
      if (fresh.length === 0) break;
      for (const message of fresh.slice(0, max - seen.size)) {
        seen.add(message.MessageId);
        if ((await handle(message)).deleted) held.delete(message.MessageId);
      }
    }
  } finally {
    const showAgain = async (handle: string) => {
      try {
        await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }));
      } catch {
        // It shows again when its visibility timeout ends.
      }
    };
    await Promise.all([...held.values()].map(showAgain));
  }
}

/** How a replay command left one message: replayed, replayed in a dry run's words only, or left in the queue. */
export interface ReplayOutcome {
  result: 'replayed' | 'would-replay' | 'left';
  deleted: boolean;
}

/** A run's reports, counted: how many were replayed, deleted, would be replayed (a dry run), and which were left. */
export function countReplays<R extends ReplayOutcome>(reports: R[]): { messages: R[]; replayed: number; deleted: number; wouldReplay: number; left: R[] } {
  return {
    messages: reports,
    replayed: reports.filter((r) => r.result === 'replayed').length,
    deleted: reports.filter((r) => r.deleted).length,
    wouldReplay: reports.filter((r) => r.result === 'would-replay').length,
    left: reports.filter((r) => r.result === 'left'),
  };
}
