import { type Logger, NotFoundError } from '@shop/common';
import type { ContactChannel, User, VerificationSent } from '@shop/contracts';
import type { CodeSender } from './code-sender';
import { AlreadyVerifiedError, CodeBurntError, CodeNotSentError, InvalidCodeError, NoPhoneError, ShopSmsLimitError, TooManyCodesError, VerificationBusyError } from './errors';
import type { ProfileRepository } from './profile-repository';
import { codeMatches, hashCode } from './verification-code';
import {
  AddressChangedError,
  type DestinationSends,
  ShopLimitReachedError,
  type ShopSends,
  type Verification,
  VerificationConflictError,
  type VerificationStore,
} from './verification-store';

/**
 * Proving that an e-mail address or a phone number is the customer's own: a six-digit code goes
 * there, and only that code, typed back by the signed-in owner of the account, marks it verified.
 * The shop's messages go only to verified channels, so that no one can make the shop write to an
 * address (or text a number) that is not theirs.
 */

export const CODE_LIFETIME_MS = 10 * 60_000;
/** Codes per channel and account in any hour, and per address or number whatever the account. */
export const CODES_PER_HOUR = 5;
/** Wrong codes after which the code is burnt. */
export const WRONG_TRIES_ALLOWED = 5;
/**
 * How long after a code was delivered a new request is taken for a resend of the request that sent
 * it (a client that lost the 202, a second tap): it is answered with that code, and nothing is sent.
 */
export const RESEND_WINDOW_MS = 60_000;
/**
 * How long after a code was written, with neither its delivery nor a failed send recorded, it is
 * still on its way: request-verification's timeout (10 s, the platform's default; service.ts sets
 * none, and a test holds this to it). The request that wrote the code is waiting on SES or SNS
 * meanwhile, which may take seconds, and a client that gave up on it asks again: that repeat is
 * answered with the code on its way, as a resend after its delivery is, not with a second message
 * that would kill the first. Lambda ends the request at its timeout, counted from before it wrote
 * the code, so a code older than this with nothing recorded belongs to a request that died: it may
 * have reached no one, and the next request replaces it.
 */
export const CODE_IN_FLIGHT_MS = 10_000;
/**
 * Verification texts the whole shop sends in one clock hour, whichever accounts ask and to
 * whichever numbers. The limits per account and per number multiply: SMS pumping registers one
 * free account per number of a premium range, each good for five more texts an hour, and the shop
 * pays for every one; only this bounds the sum. A customer verifies a phone once, with a code or
 * two: 300 an hour is 150 to 300 phone verifications in every hour, far more phone sign-ups than
 * this shop expects (a rush that met it would wait for the next hour, or verify the e-mail address,
 * which this leaves alone). At worst it lets 300 texts an hour through (7,200 a day) where nothing
 * bounded them; SNS's monthly spend limit (docs/deploying.md) still stands behind it. A chosen
 * figure, not a measured one: the warning logged when it is reached says when to raise it.
 */
export const SMS_CODES_PER_HOUR = 300;
const HOUR_MS = 3_600_000;

export interface ConfirmationDeps {
  profiles: ProfileRepository;
  verifications: VerificationStore;
  now: () => Date;
}

export interface VerificationDeps extends ConfirmationDeps {
  sender: CodeSender;
  newCode: () => string;
  log: Pick<Logger, 'warn'>;
}

/** What a request for a code came to: the 202's body, and whether it was a resend answered with the code delivered moments ago, or still on its way. */
export interface VerificationRequested {
  sent: VerificationSent;
  /** Nothing was sent, written or counted: the code delivered less than RESEND_WINDOW_MS ago, or still on its way (CODE_IN_FLIGHT_MS), stands. */
  repeated: boolean;
}

/**
 * Sends a new code to the account's own address (or number) for the channel; it replaces any
 * earlier one. Two limits hold, five codes an hour each: per account and channel, and per address
 * or number whichever account asks (many accounts may give one phone number); and a text also
 * counts against the shop's SMS_CODES_PER_HOUR. All are written, in one transaction, before the
 * message goes, so that neither a failed send nor two requests at once can pass any limit, and a
 * request one of them refuses counts against none. A send that fails is 503 CODE_NOT_SENT: the
 * customer may try again.
 *
 * A request within RESEND_WINDOW_MS of a code's delivery, or while the request that wrote the code
 * may still be sending it (CODE_IN_FLIGHT_MS), to the same address, while that code is good and
 * untried, is a resend: it is answered as that code's request was, and nothing is sent. A new code
 * would kill the first, which may well arrive after it, and spend an SMS and one of the five codes
 * an hour.
 */
export async function requestVerification(deps: VerificationDeps, userId: string, channel: ContactChannel): Promise<VerificationRequested> {
  const profile = await profileOf(deps, userId);
  const sentTo = addressToVerify(profile, channel);
  const [previous, toAddress] = await Promise.all([deps.verifications.get(userId, channel), deps.verifications.sendsTo(channel, sentTo)]);
  const now = deps.now();
  if (previous && answersResend(previous, sentTo, now)) {
    return { sent: { channel, sentTo: maskAddress(channel, previous.sentTo), expiresAt: previous.codeExpiresAt }, repeated: true };
  }
  const recent = sendsInLastHour(previous?.sentAt, now);
  const recentToAddress = sendsInLastHour(toAddress?.sentAt, now);

  const code = deps.newCode();
  const expiresAt = new Date(now.getTime() + CODE_LIFETIME_MS).toISOString();
  const forgetAt = Math.ceil((now.getTime() + HOUR_MS) / 1000);
  const verification: Verification = {
    userId,
    channel,
    sentTo,
    code: await hashCode(code),
    codeExpiresAt: expiresAt,
    wrongTries: 0,
    sentAt: [...recent, now.toISOString()],
    forgetAt,
    version: (previous?.version ?? 0) + 1,
  };
  const sends: DestinationSends = { channel, sentTo, sentAt: [...recentToAddress, now.toISOString()], forgetAt, version: (toAddress?.version ?? 0) + 1 };
  await saveCounted(deps, verification, sends, now);
  const message = codeMessage(code);
  try {
    if (channel === 'email') await deps.sender.email(sentTo, message.subject, message.text);
    else await deps.sender.sms(sentTo, message.sms);
  } catch (error) {
    await recordSendFailure(deps, verification);
    throw new CodeNotSentError(channel, error);
  }
  await recordDelivery(deps, verification);
  return { sent: { channel, sentTo: maskAddress(channel, sentTo), expiresAt }, repeated: false };
}

/**
 * Writes the new code's records and counts it, texts in the shop's hour too. When that hour is
 * full the request is refused, and warned of: an operator looks for it (a rush of real sign-ups,
 * or SMS pumping), and at warn, not error, a flood of refusals pages no one.
 */
async function saveCounted(deps: VerificationDeps, verification: Verification, sends: DestinationSends, now: Date): Promise<void> {
  const shop = verification.channel === 'sms' ? shopTextsOfHour(now) : undefined;
  try {
    await busyOnConflict(deps.verifications.saveSent(verification, sends, shop));
  } catch (error) {
    if (!(error instanceof ShopLimitReachedError) || !shop) throw error;
    deps.log.warn(
      { channel: verification.channel, hour: shop.hour, limit: shop.limit },
      "verification text refused: the shop's hourly limit on verification texts is reached (SMS_CODES_PER_HOUR)",
    );
    throw new ShopSmsLimitError(Math.max(1, Math.ceil((hourStart(now) + HOUR_MS - now.getTime()) / 1000)));
  }
}

/** The shop's count of verification texts in the clock hour `now` falls in, kept an hour after it. */
function shopTextsOfHour(now: Date): ShopSends {
  const start = hourStart(now);
  return { channel: 'sms', hour: new Date(start).toISOString().slice(0, 13), limit: SMS_CODES_PER_HOUR, forgetAt: (start + 2 * HOUR_MS) / 1000 };
}

function hourStart(at: Date): number {
  return Math.floor(at.getTime() / HOUR_MS) * HOUR_MS;
}

/**
 * Whether a request is a resend of the one that wrote `previous`, to be answered with its code: the
 * code went to the address the profile has now, is still good and was never guessed at, and was
 * delivered less than RESEND_WINDOW_MS ago or is still on its way.
 */
function answersResend(previous: Verification, sentTo: string, now: Date): boolean {
  if (!previous.code || previous.wrongTries > 0 || previous.sentTo !== sentTo || now.getTime() >= Date.parse(previous.codeExpiresAt)) return false;
  return previous.deliveredAt ? now.getTime() - Date.parse(previous.deliveredAt) < RESEND_WINDOW_MS : onItsWay(previous, now);
}

/**
 * Whether the request that wrote `previous` may still be sending it: written less than
 * CODE_IN_FLIGHT_MS ago (its time is the last of `sentAt`), and no send failure recorded. A code
 * whose send failed reached no one we know of, and is replaced at once.
 */
function onItsWay(previous: Verification, now: Date): boolean {
  const writtenAt = previous.sentAt.at(-1);
  return !previous.sendFailedAt && writtenAt !== undefined && now.getTime() - Date.parse(writtenAt) < CODE_IN_FLIGHT_MS;
}

/**
 * Notes that the code went, for RESEND_WINDOW_MS to answer resends with it. A newer request, a try
 * or the confirmation that wrote the verification meanwhile wins, as it should: then nothing is
 * noted, and that is no failure. Nor does a note that cannot be written fail the request: the code
 * went, which is what the 202 says; a resend is then answered with it only while it could still be
 * on its way (CODE_IN_FLIGHT_MS), and after that sends a new code, as one always did.
 */
async function recordDelivery(deps: VerificationDeps, sent: Verification): Promise<void> {
  try {
    await deps.verifications.markDelivered(sent, deps.now().toISOString());
  } catch (error) {
    deps.log.warn(
      { err: error, channel: sent.channel },
      'verification code sent, but its delivery was not recorded: a resend later than CODE_IN_FLIGHT_MS after it sends a new code',
    );
  }
}

/**
 * Notes that the code's send failed, so that the next request replaces it at once instead of taking
 * it for a code on its way. Only over the version the request wrote, as the delivery's note: a
 * newer code or a try since won, and is left as it is (neither is answered with this code). A note
 * that cannot be written does not change the 503; the log warns, and until CODE_IN_FLIGHT_MS from
 * the write a request is answered with this code, which may have reached no one.
 */
async function recordSendFailure(deps: VerificationDeps, sent: Verification): Promise<void> {
  try {
    await deps.verifications.save({ ...sent, sendFailedAt: deps.now().toISOString(), version: sent.version + 1 });
  } catch (error) {
    if (error instanceof VerificationConflictError) return;
    deps.log.warn(
      { err: error, channel: sent.channel },
      'verification code not sent, and the failure was not recorded: a request within CODE_IN_FLIGHT_MS of it is answered with that code',
    );
  }
}

/**
 * Checks a code against the one sent for the channel and, when it is right, still fresh and was
 * sent to the address the profile has now, marks that channel verified. A wrong code counts
 * against the code; the fifth burns it.
 */
export async function confirmVerification(deps: ConfirmationDeps, userId: string, channel: ContactChannel, code: string): Promise<User> {
  const profile = await profileOf(deps, userId);
  const address = addressToVerify(profile, channel);
  const verification = await deps.verifications.get(userId, channel);
  if (!verification) throw new InvalidCodeError();
  if (!verification.code) throw new CodeBurntError();

  // Hashed whatever else holds, so that every answer takes as long.
  const right = await codeMatches(code, verification.code);
  // An expired code, or one sent to an address the account no longer has, cannot work: a try
  // against it costs nothing, and answers the same as a wrong one.
  const usable = verification.sentTo === address && deps.now().getTime() < Date.parse(verification.codeExpiresAt);
  if (!usable) throw new InvalidCodeError();
  if (right) {
    await complete(deps, verification);
    return channel === 'email' ? { ...profile, emailVerified: true } : { ...profile, phoneVerified: true };
  }

  const wrongTries = verification.wrongTries + 1;
  const burnt = wrongTries >= WRONG_TRIES_ALLOWED;
  const next: Verification = { ...verification, wrongTries, version: verification.version + 1 };
  if (burnt) delete next.code;
  await busyOnConflict(deps.verifications.save(next));
  throw burnt ? new CodeBurntError() : new InvalidCodeError();
}

/** The address (or number) a channel of the profile reaches, unless it is verified already or there is none. */
export function addressToVerify(profile: User, channel: ContactChannel): string {
  if (channel === 'email') {
    if (profile.emailVerified) throw new AlreadyVerifiedError(channel);
    return profile.email;
  }
  if (!profile.phone) throw new NoPhoneError();
  if (profile.phoneVerified) throw new AlreadyVerifiedError(channel);
  return profile.phone;
}

/** Mail domains that ignore dots in the local part (Gmail's), as their one canonical domain. */
const DOTLESS_DOMAINS: Readonly<Record<string, string>> = { 'gmail.com': 'gmail.com', 'googlemail.com': 'gmail.com' };

/**
 * The mailbox an address delivers to, as far as a limit on what is sent there must see it: without
 * case, without a `+tag` (`ann+1@example.com` reaches `ann@example.com` at nearly every provider),
 * and at Gmail without dots. Many addresses of one mailbox are then one destination, so new
 * accounts with aliases cannot mail a stranger more. Only for counting: the code still goes to the
 * address as the account gave it, and an account's identity is that address.
 */
export function mailboxOf(address: string): string {
  const lower = address.toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at < 1) return lower;
  const domain = lower.slice(at + 1);
  let local = lower.slice(0, at).split('+')[0] || lower.slice(0, at);
  const canonical = DOTLESS_DOMAINS[domain];
  if (canonical) local = local.replaceAll('.', '');
  return `${local}@${canonical ?? domain}`;
}

/**
 * What the per-destination limit counts a send to: a phone number as it is; an e-mail address
 * that is its mailbox's own spelling as itself, and any other spelling (a `+tag`, dots at Gmail,
 * capitals) with the mailbox's other spellings. Only one account can have an address (they are
 * unique, without case), and its sends are held by its own limit: so new accounts with aliases
 * share five codes an hour to the mailbox, and cannot use them up for the owner of the address.
 */
export function destinationOf(channel: ContactChannel, sentTo: string): string {
  if (channel === 'sms') return sentTo;
  const mailbox = mailboxOf(sentTo);
  return sentTo === mailbox ? mailbox : `aliases of ${mailbox}`;
}

/** When the codes of the last hour were sent, oldest first; TooManyCodesError, saying when the next may go, when that is five. */
export function sendsInLastHour(sentAt: readonly string[] | undefined, now: Date): string[] {
  const recent = (sentAt ?? []).filter((at) => Date.parse(at) > now.getTime() - HOUR_MS);
  const [oldest] = recent;
  if (oldest !== undefined && recent.length >= CODES_PER_HOUR) {
    throw new TooManyCodesError(Math.max(1, Math.ceil((Date.parse(oldest) + HOUR_MS - now.getTime()) / 1000)));
  }
  return recent;
}

/** Enough of an address for its owner to recognise it, too little to learn it: `a***@example.com`, `+1******0123`. */
export function maskAddress(channel: ContactChannel, address: string): string {
  if (channel === 'email') {
    const at = address.lastIndexOf('@');
    return `${address.slice(0, 1)}***${address.slice(at)}`;
  }
  return `${address.slice(0, 2)}${'*'.repeat(Math.max(0, address.length - 6))}${address.slice(-4)}`;
}

/** What the code's message says; no name, no link, nothing a customer typed. */
export function codeMessage(code: string): { subject: string; text: string; sms: string } {
  const minutes = CODE_LIFETIME_MS / 60_000;
  return {
    subject: 'Your Shop verification code',
    text:
      `Your verification code is ${code}.\n\n` +
      `Enter it in the shop within ${minutes} minutes to confirm this address for your order updates. ` +
      `If you did not ask for it, ignore this message: nothing changes without the code.\n\nThe Shop`,
    sms: `Shop: your verification code is ${code}. It expires in ${minutes} minutes. Do not share it.`,
  };
}

async function profileOf(deps: ConfirmationDeps, userId: string): Promise<User> {
  const profile = await deps.profiles.get(userId);
  if (!profile) throw new NotFoundError('Profile not found');
  return profile;
}

/** A write that lost to another request made at the same moment: the caller is told to retry (VerificationBusyError). */
async function busyOnConflict(write: Promise<void>): Promise<void> {
  try {
    await write;
  } catch (error) {
    throw error instanceof VerificationConflictError ? new VerificationBusyError() : error;
  }
}

async function complete(deps: ConfirmationDeps, verification: Verification): Promise<void> {
  try {
    await busyOnConflict(deps.verifications.complete(verification));
  } catch (error) {
    throw error instanceof AddressChangedError ? new InvalidCodeError() : error;
  }
}
