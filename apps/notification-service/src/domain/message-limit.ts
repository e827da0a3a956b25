import type { MessageChannel } from '@shop/platform';
import type { Delivery, MessageCounter, Notification } from './ports';

/**
 * At most this many messages to one account per hour, on each channel. An account's order
 * events are its own doing, so a person who shops never comes near it; a script placing and
 * cancelling orders gets no more than this out of one account. It does not bound what the shop
 * sends: accounts are free, and N of them get N times this. Texts are held per number as well
 * (TEXTS_PER_NUMBER_PER_HOUR), so that accounts sharing one number cannot text it more than one
 * account could; N accounts on N numbers still get ten texts an hour each. Each of those numbers
 * had to be verified with a code texted to it, and user-service texts at most SMS_CODES_PER_HOUR
 * codes an hour in all: that bounds how fast such numbers grow, not how many there are after days.
 */
export const MESSAGES_PER_HOUR = { email: 20, sms: 10 } as const satisfies Record<MessageChannel, number>;

/**
 * At most this many texts to one phone number per hour, whichever accounts they are about. Any
 * number of accounts may verify one number, so with the per-account limit alone K accounts placing
 * orders that the checkout cancels would text it 10 × K times an hour, and the shop pays for each.
 * The same ten as an account's: a number is one phone, and the order news of the few accounts that
 * share one in earnest (a household) comes nowhere near ten in an hour.
 */
export const TEXTS_PER_NUMBER_PER_HOUR = MESSAGES_PER_HOUR.sms;

/**
 * `send`, but only while the account's hourly allowance on the channel lasts, and for a text the
 * number's too: each message is counted first, and one over either limit is not sent
 * (`over-limit`, `number-over-limit`) and counts against neither. Wrapped in the once-per-
 * notification guard, a redelivered notification is neither counted nor sent again.
 */
export function withinHourlyLimit<N extends Notification>(
  counter: MessageCounter,
  channel: MessageChannel,
  send: (notification: N) => Promise<{ messageId: string }>,
  now: () => Date = () => new Date(),
): (notification: N) => Promise<Delivery> {
  return async (notification) => {
    const refused = await countWithinLimits(counter, channel, notification, now());
    if (refused) return refused;
    const { messageId } = await send(notification);
    return { outcome: 'sent', messageId };
  };
}

/** Counts the message against its limits; the skip to answer when one of them is spent, and nothing is counted. */
async function countWithinLimits(counter: MessageCounter, channel: MessageChannel, { userId, to }: Notification, at: Date): Promise<Delivery | undefined> {
  const limit = MESSAGES_PER_HOUR[channel];
  if (channel === 'email') return (await counter.countWithin({ userId, channel }, limit, at)) ? undefined : { outcome: 'over-limit', limit };
  const counted = await counter.countTextWithin({ userId, to }, { account: limit, number: TEXTS_PER_NUMBER_PER_HOUR }, at);
  if (counted === 'account-spent') return { outcome: 'over-limit', limit };
  if (counted === 'number-spent') return { outcome: 'number-over-limit', limit: TEXTS_PER_NUMBER_PER_HOUR };
  return undefined;
}
