import type { MessageChannel } from '@shop/platform';
import { describe, expect, it } from 'vitest';
import { MESSAGES_PER_HOUR, withinHourlyLimit } from '../../src/domain/message-limit';
import type { MessageCounter, Notification } from '../../src/domain/ports';

/** A counter in memory, by account, channel and clock hour, as the DynamoDB one counts. */
function inMemoryCounter(): MessageCounter {
  const counts = new Map<string, number>();
  return {
    async countWithin({ userId, channel }, limit, at) {
      const key = `${userId}#${channel}#${at.toISOString().slice(0, 13)}`;
      const count = counts.get(key) ?? 0;
      if (count >= limit) return false;
      counts.set(key, count + 1);
      return true;
    },
  };
}

const notification = (userId: string, n: number): Notification => ({ notificationId: `evt-${n}#email`, userId, to: 'ann@example.com', text: 'hello' });

function limitedSender(channel: MessageChannel, clock: { now: number }) {
  const sent: string[] = [];
  const counter = inMemoryCounter();
  const send = withinHourlyLimit(counter, channel, async (n: Notification) => (sent.push(n.notificationId), { messageId: `msg-${sent.length}` }), () => new Date(clock.now));
  return { sent, send };
}

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

    // Another account has its own allowance; the next hour brings a new one.
    expect((await send(notification('bob', 12))).outcome).toBe('sent');
    clock.now = Date.parse('2026-03-01T11:00:00.000Z');
    expect((await send(notification('ann', 13))).outcome).toBe('sent');
  });
});
