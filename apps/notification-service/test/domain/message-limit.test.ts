import type { MessageChannel } from '@shop/platform';
import { describe, expect, it } from 'vitest';
import { MESSAGES_PER_HOUR, TEXTS_PER_NUMBER_PER_HOUR, withinHourlyLimit } from '../../src/domain/message-limit';
import type { MessageCounter, Notification } from '../../src/domain/ports';

/** A counter in memory, by account (or number), channel and clock hour, as the DynamoDB one counts; `counts` for the tests to read. */
function inMemoryCounter(counts = new Map<string, number>()): MessageCounter & { counts: Map<string, number> } {
  const hourOf = (at: Date) => at.toISOString().slice(0, 13);
  return {
    counts,
    async countWithin({ userId, channel }, limit, at) {
      const key = `${userId}#${channel}#${hourOf(at)}`;
      const count = counts.get(key) ?? 0;
      if (count >= limit) return false;
      counts.set(key, count + 1);
      return true;
    },
    async countTextWithin({ userId, to }, limits, at) {
      const account = `${userId}#sms#${hourOf(at)}`;
      const number = `${to}#sms#${hourOf(at)}`;
      if ((counts.get(account) ?? 0) >= limits.account) return 'account-spent';
      if ((counts.get(number) ?? 0) >= limits.number) return 'number-spent';
      counts.set(account, (counts.get(account) ?? 0) + 1);
      counts.set(number, (counts.get(number) ?? 0) + 1);
      return 'counted';
    },
  };
}

const notification = (userId: string, n: number): Notification => ({ notificationId: `evt-${n}#email`, userId, to: 'ann@example.com', text: 'hello' });

function limitedSender(channel: MessageChannel, clock: { now: number }) {
  const sent: string[] = [];
  const counter = inMemoryCounter();
  const send = withinHourlyLimit(counter, channel, async (n: Notification) => (sent.push(n.notificationId), { messageId: `msg-${sent.length}` }), () => new Date(clock.now));
  return { sent, send, counts: counter.counts };
}

const text = (userId: string, n: number, to = '+14155550123'): Notification => ({ notificationId: `evt-${n}#sms`, userId, to, text: 'Shop: order 6F1C3F0E was cancelled.' });

describe('the hourly limit per account', () => {
  it('is 20 e-mails and 10 SMS', () => {
    expect(MESSAGES_PER_HOUR).toEqual({ email: 20, sms: 10 });
  });

  it('sends up to the limit in an hour, then answers over-limit without sending', async () => {
    const clock = { now: Date.parse('2026-03-01T10:00:00.000Z') };
    const { sent, send } = limitedSender('sms', clock);
    for (let n = 1; n <= 10; n++) expect(await send(notification('ann', n))).toEqual({ outcome: 'sent', messageId: `msg-${n}` });
    expect(await send(notification('ann', 11))).toEqual({ outcome: 'over-limit', limit: 10 });
    expect(sent).toHaveLength(10);

    // Another account, with a number of its own, has its own allowance; the next hour brings a new one.
    expect((await send({ ...notification('bob', 12), to: '+14155550199' })).outcome).toBe('sent');
    clock.now = Date.parse('2026-03-01T11:00:00.000Z');
    expect((await send(notification('ann', 13))).outcome).toBe('sent');
  });

  it("texts one number at most TEXTS_PER_NUMBER_PER_HOUR an hour whichever accounts the texts are about; the next is skipped, sent to no one and counted against neither limit", async () => {
    expect(TEXTS_PER_NUMBER_PER_HOUR).toBe(10);
    const clock = { now: Date.parse('2026-03-01T10:00:00.000Z') };
    const { sent, send, counts } = limitedSender('sms', clock);
    // Ten accounts verified on one number, one cancelled order each: each far below its own ten.
    for (let n = 1; n <= 10; n++) expect((await send(text(`account-${n}`, n))).outcome).toBe('sent');
    const before = new Map(counts);

    // An eleventh account that has had no text at all.
    expect(await send(text('account-11', 11))).toEqual({ outcome: 'number-over-limit', limit: 10 });
    expect(sent).toHaveLength(10);
    expect(counts).toEqual(before);
    expect(counts.has('account-11#sms#2026-03-01T10')).toBe(false);

    // That account's texts to another number go; the next hour, this number's too.
    expect((await send(text('account-11', 12, '+14155550199'))).outcome).toBe('sent');
    clock.now = Date.parse('2026-03-01T11:00:00.000Z');
    expect((await send(text('account-11', 13))).outcome).toBe('sent');
  });
});
