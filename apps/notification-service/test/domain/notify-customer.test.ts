import { logger } from '@shop/common';
import { beforeEach, describe, expect, it } from 'vitest';
import { notifyCustomer, type NotifyDeps } from '../../src/domain/notify-customer';
import type { Claim, SentNotifications } from '../../src/domain/ports';
import { ANN, events } from '../fixtures';

/** The sent-notifications table, in memory, with the same claim rules as the DynamoDB adapter. */
class MemorySent implements SentNotifications {
  readonly entries = new Map<string, { status: 'SENDING' | 'SENT'; leaseUntil: number }>();
  async claim(id: string, now: Date, leaseSeconds: number): Promise<Claim> {
    const entry = this.entries.get(id);
    if (entry?.status === 'SENT') return 'already-sent';
    if (entry && entry.leaseUntil >= now.getTime()) return 'in-flight';
    this.entries.set(id, { status: 'SENDING', leaseUntil: now.getTime() + leaseSeconds * 1000 });
    return 'claimed';
  }
  async markSent(id: string): Promise<void> {
    this.entries.set(id, { status: 'SENT', leaseUntil: 0 });
  }
  async release(id: string): Promise<void> {
    if (this.entries.get(id)?.status === 'SENDING') this.entries.delete(id);
  }
}

let emails: { to: string; subject: string }[];
let texts: { to: string; text: string }[];
let sent: MemorySent;
let failSms: boolean;
let contact: { userId: string; email: string; name: string; phone?: string };

const deps = (): NotifyDeps => ({
  contacts: { get: async () => contact },
  mailer: { send: async (email) => (emails.push(email), { messageId: `m-${emails.length}` }) },
  texter: {
    send: async (sms) => {
      if (failSms) throw new Error('SMS provider down');
      texts.push(sms);
      return { messageId: `s-${texts.length}` };
    },
  },
  sent,
  now: () => new Date('2026-12-01T10:00:00.000Z'),
  leaseSeconds: 30,
  log: logger,
});

beforeEach(() => {
  emails = [];
  texts = [];
  sent = new MemorySent();
  failSms = false;
  contact = { ...ANN, phone: '+14155550123' };
});

describe('notifying a customer', () => {
  it('sends the e-mail and, for a paid order and a customer with a phone, the SMS', async () => {
    expect(await notifyCustomer(deps(), events.paid())).toEqual({ sent: ['email', 'sms'], skipped: [] });
    expect(emails).toEqual([expect.objectContaining({ to: 'ann@example.com', subject: 'Order 6F1C3F0E is paid' })]);
    expect(texts).toEqual([{ to: '+14155550123', text: expect.stringContaining('is paid') }]);
  });

  it('sends no SMS to a customer without a phone number', async () => {
    contact = { ...ANN };
    expect(await notifyCustomer(deps(), events.paid())).toEqual({ sent: ['email'], skipped: [] });
    expect(texts).toEqual([]);
  });

  it('sends nothing twice when the same event is delivered again', async () => {
    await notifyCustomer(deps(), events.paid());
    expect(await notifyCustomer(deps(), events.paid())).toEqual({ sent: [], skipped: ['email', 'sms'] });
    expect(emails).toHaveLength(1);
    expect(texts).toHaveLength(1);
  });

  it('after a failed SMS, the retry sends the SMS and not the e-mail again', async () => {
    failSms = true;
    await expect(notifyCustomer(deps(), events.paid())).rejects.toThrow('SMS provider down');
    expect(emails).toHaveLength(1);

    failSms = false;
    expect(await notifyCustomer(deps(), events.paid())).toEqual({ sent: ['sms'], skipped: ['email'] });
    expect(emails).toHaveLength(1);
    expect(texts).toHaveLength(1);
  });

  it('leaves alone what another delivery of the event is sending right now', async () => {
    await sent.claim(`${events.paid().id}#email`, new Date('2026-12-01T10:00:00.000Z'), 30);
    expect(await notifyCustomer(deps(), events.paid())).toEqual({ sent: ['sms'], skipped: ['email'] });
    expect(emails).toEqual([]);
  });
});
