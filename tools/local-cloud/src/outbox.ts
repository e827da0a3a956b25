import { randomUUID } from 'node:crypto';

/**
 * Where the e-mails (SES) and text messages (SNS SMS) the shop sends land locally, instead of
 * in anyone's inbox: a list a person can read (`npm start` logs each one, `GET /_local/outbox`
 * answers them) and tests can assert on. In memory only; the oldest go once it is full.
 */

export type OutboxChannel = 'email' | 'sms';

export interface OutboxMessage {
  /** The id the sending API answered (SES `MessageId`, SNS `MessageId`). */
  messageId: string;
  channel: OutboxChannel;
  from?: string;
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject?: string;
  text: string;
  html?: string;
  /** ISO 8601 UTC. */
  sentAt: string;
}

export type NewOutboxMessage = Omit<OutboxMessage, 'messageId' | 'sentAt'> & Partial<Pick<OutboxMessage, 'messageId' | 'sentAt'>>;

export type OutboxListener = (message: OutboxMessage) => void;

export class Outbox {
  private readonly messages: OutboxMessage[] = [];
  private readonly listeners = new Set<OutboxListener>();

  constructor(private readonly capacity = 1000) {}

  add(message: NewOutboxMessage): OutboxMessage {
    const stored: OutboxMessage = {
      ...message,
      messageId: message.messageId ?? randomUUID(),
      to: [...message.to],
      sentAt: message.sentAt ?? new Date().toISOString(),
    };
    this.messages.push(stored);
    if (this.messages.length > this.capacity) this.messages.shift();
    for (const listener of this.listeners) listener(stored);
    return stored;
  }

  /** Oldest first; `channel` or `to` (one recipient) narrow it. */
  list(filter: { channel?: OutboxChannel; to?: string } = {}): OutboxMessage[] {
    return this.messages.filter(
      (message) =>
        (!filter.channel || message.channel === filter.channel) &&
        (!filter.to || [...message.to, ...(message.cc ?? []), ...(message.bcc ?? [])].includes(filter.to)),
    );
  }

  /** Calls `listener` for every message added from now on; answers a function that stops that. */
  onMessage(listener: OutboxListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clear(): void {
    this.messages.length = 0;
  }

  /** The body of `GET /_local/outbox`. */
  toJSON(): { messages: OutboxMessage[] } {
    return { messages: this.list() };
  }
}
