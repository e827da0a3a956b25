import type { Profile } from '@shop/api-client';
import { attempt } from '../api';
import type { Problem } from '../problem';
import type { Shop } from '../shop-context';

/** The channels a shopper proves with a code: the shop writes only to proven ones (order e-mails, text messages). */
export type Channel = 'email' | 'sms';

/** How a channel reads in a sentence. */
export const CHANNEL_NAMES: Record<Channel, string> = { email: 'e-mail address', sms: 'mobile number' };

/** A code on its way: where it went (masked, as the API says it) and until when it works. */
export interface SentCode {
  sentTo: string;
  expiresAt: string;
}

/** Where the proof of one channel stands on the account page. */
export interface ChannelState {
  /** The code sent and not used up: the form for it shows while there is one. */
  sent?: SentCode;
  problem?: Problem;
  /** Good news, announced: a code sent, the channel verified. */
  notice?: string;
}

/**
 * What a request came to: the channel's state from now on and, when the profile changed, the
 * profile to show (`'read again'`: changed elsewhere, the answer did not say how).
 */
export interface VerificationStep {
  state: ChannelState;
  profile?: Profile | 'read again';
}

/**
 * "Send me a code": a code to the channel itself. A refusal keeps the code sent before, which may
 * still work. Within a minute of a code's delivery the API answers with that very code (the same
 * expiry) and sends nothing: the shopper is told it is on its way, not that another went.
 */
export async function sendCode(shop: Pick<Shop, 'client' | 'session'>, channel: Channel, sent: SentCode | undefined): Promise<VerificationStep> {
  const outcome = await attempt(shop.session, () => shop.client.POST('/users/me/verification', { body: { channel } }), 'send-code');
  if (outcome.ok) {
    const { sentTo, expiresAt } = outcome.data;
    const notice =
      sent?.expiresAt === expiresAt
        ? `The code we sent to ${sentTo} a moment ago is on its way: it can take a minute to arrive. If it has not come by then, ask for a new one.`
        : `We sent a code to ${sentTo}.`;
    return { state: { sent: { sentTo, expiresAt }, notice } };
  }
  if (outcome.problem.code === 'ALREADY_VERIFIED') return verifiedElsewhere(channel);
  return { state: { ...(sent ? { sent } : {}), problem: outcome.problem } };
}

/**
 * "Verify": the code the shopper typed (spaces dropped: codes are often pasted as "123 456").
 * The API answers the profile, verified. A code tried wrong too often is burnt: its form goes, and
 * the shopper asks for a new one.
 */
export async function confirmCode(shop: Pick<Shop, 'client' | 'session'>, channel: Channel, code: string, sent: SentCode | undefined): Promise<VerificationStep> {
  const body = { channel, code: code.replace(/\s/g, '') };
  const outcome = await attempt(shop.session, () => shop.client.POST('/users/me/verification/confirm', { body }));
  if (outcome.ok) return { state: { notice: `Your ${CHANNEL_NAMES[channel]} is verified.` }, profile: outcome.data };
  if (outcome.problem.code === 'ALREADY_VERIFIED') return verifiedElsewhere(channel);
  if (outcome.problem.code === 'TOO_MANY_ATTEMPTS') return { state: { problem: outcome.problem } };
  return { state: { ...(sent ? { sent } : {}), problem: outcome.problem } };
}

/** Verified already (in another tab, or by a confirm whose answer was lost): good news, and the profile read again to show it. */
function verifiedElsewhere(channel: Channel): VerificationStep {
  return { state: { notice: `Your ${CHANNEL_NAMES[channel]} is verified already.` }, profile: 'read again' };
}
