import type { MessageChannel } from '@shop/platform';
import type { Delivery, MessageCounter, Notification } from './ports';

/**
 * At most this many messages to one account per hour, on each channel. An account's order
 * events are its own doing, so a person who shops never comes near it; a script placing and
 * cancelling orders to make the shop send mail or texts (SMS pumping) stops here.
 */
export const MESSAGES_PER_HOUR = { email: 20, sms: 10 } as const satisfies Record<MessageChannel, number>;

/**
 * `send`, but only while the account's hourly allowance on the channel lasts: each message is
 * counted first, and one over the limit is not sent (`over-limit`). Wrapped in the once-per-
 * notification guard, a redelivered notification is neither counted nor sent again.
 */
export function withinHourlyLimit<N extends Notification>(
  counter: MessageCounter,
  channel: MessageChannel,
  send: (notification: N) => Promise<{ messageId: string }>,
  now: () => Date = () => new Date(),
): (notification: N) => Promise<Delivery> {
  const limit = MESSAGES_PER_HOUR[channel];
  return async (notification) => {
    if (!(await counter.countWithin({ userId: notification.userId, channel }, limit, now()))) return { outcome: 'over-limit', limit };
    const { messageId } = await send(notification);
    return { outcome: 'sent', messageId };
  };
}
