import { NotFoundError } from '@shop/common';
import type { ContactChannel } from '@shop/contracts';
import type { HashedCode } from './verification-code';

/** One account's verification of one channel: the code in play and the codes sent in the last hour. */
export interface Verification {
  userId: string;
  channel: ContactChannel;
  /** The address or number the code went to: confirming it verifies that one and no other. */
  sentTo: string;
  /** Absent once five wrong tries burnt it. */
  code?: HashedCode;
  /** ISO 8601 UTC: when the code stops working. */
  codeExpiresAt: string;
  /** Wrong codes tried against this code. */
  wrongTries: number;
  /**
   * ISO 8601 UTC: when SES or SNS took the code. Absent until then, and for good when the send
   * failed: such a code reached no one, and the next request replaces it at once.
   */
  deliveredAt?: string;
  /**
   * ISO 8601 UTC: when SES or SNS failed to take the code (the request answered 503). The code
   * still verifies (a send whose answer was lost may have gone), but it is no longer on its way:
   * the next request replaces it at once, where one within the send's time would be answered with it.
   */
  sendFailedAt?: string;
  /** ISO 8601 UTC: when each code of the last hour was sent, oldest first; the rate limit. */
  sentAt: string[];
  /** Unix seconds: when the record may go (TTL), once its codes no longer count against the limit. */
  forgetAt: number;
  /** Counts every write, for optimistic concurrency. */
  version: number;
}

/**
 * The codes sent to one address or number in the last hour, whichever account asked for them. A
 * phone number is not an account's own the way its e-mail is (many accounts may give the same
 * one), so without this limit each new account could text a stranger's number five more times an
 * hour, and guess at its codes five times each.
 */
export interface DestinationSends {
  channel: ContactChannel;
  /** The address or number: only a hash of it is stored. */
  sentTo: string;
  /** ISO 8601 UTC, oldest first. */
  sentAt: string[];
  /** Unix seconds: when the record may go (TTL). */
  forgetAt: number;
  /** Counts every write, for optimistic concurrency. */
  version: number;
}

/**
 * The codes the whole shop sent on a channel in one clock hour, from every account to every
 * address or number. The limits per account and per destination multiply with the accounts and
 * the numbers (SMS pumping registers one free account per number of a premium range, and each
 * brings five more texts an hour): only this bounds what the shop's texts can cost in an hour.
 */
export interface ShopSends {
  channel: ContactChannel;
  /** The clock hour, UTC: `2026-03-01T10`. */
  hour: string;
  /** The most codes the hour may count: a code past it is refused (ShopLimitReachedError), and nothing is written. */
  limit: number;
  /** Unix seconds: when the counter may go (TTL), once its hour is over. */
  forgetAt: number;
}

/**
 * Where verifications live. Every write is conditional on the version read, so two requests
 * cannot both spend the same try or the same place in the limit: the loser gets
 * VerificationConflictError.
 */
export interface VerificationStore {
  get(userId: string, channel: ContactChannel): Promise<Verification | undefined>;
  /** Writes `next` if the stored version is still `next.version - 1` (or there is none, for version 1). */
  save(next: Verification): Promise<void>;
  /** The codes sent to `sentTo` on the channel, from every account. */
  sendsTo(channel: ContactChannel, sentTo: string): Promise<DestinationSends | undefined>;
  /**
   * A new code's records, in one transaction: the account's verification and the destination's
   * sends, each written only over the version read (as `save`); VerificationConflictError otherwise.
   * With `shop`, the same transaction counts the code in the shop's hour, only while fewer than
   * its limit are counted there: ShopLimitReachedError otherwise (whatever else failed), and
   * then neither record is written either. Only while the account's profile exists:
   * ProfileGoneError otherwise (the account was deleted after the request read the profile), so
   * that no code and no address of a deleted account is written back.
   */
  saveSent(next: Verification, sends: DestinationSends, shop?: ShopSends): Promise<void>;
  /**
   * Records that the code of `sent` (as `saveSent` wrote it) was delivered at `deliveredAt`, as
   * the next version, only if the stored verification is still that version: a newer request's
   * code, a try, or a confirmation since is never overwritten. False when it was not written.
   */
  markDelivered(sent: Verification, deliveredAt: string): Promise<boolean>;
  /**
   * In one transaction: marks the channel verified on the profile, if the profile still has the
   * address the code was sent to, and deletes the verification, if unchanged since it was read.
   * Throws VerificationConflictError when the verification changed, AddressChangedError when the
   * profile did.
   */
  complete(verification: Verification): Promise<void>;
}

export class VerificationConflictError extends Error {
  override name = 'VerificationConflictError';
}

/**
 * The profile was gone when the code was to be written: the customer deleted their account after
 * the request read it. Nothing was written, and nothing is sent.
 */
export class ProfileGoneError extends NotFoundError {
  constructor() {
    super('Profile not found');
  }
}

/** The shop's hour had its limit of codes on the channel (ShopSends): nothing was written. */
export class ShopLimitReachedError extends Error {
  override name = 'ShopLimitReachedError';
}

export class AddressChangedError extends Error {
  override name = 'AddressChangedError';
}
