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
  /** ISO 8601 UTC: when each code of the last hour was sent, oldest first; the rate limit. */
  sentAt: string[];
  /** Unix seconds: when the record may go (TTL), once its codes no longer count against the limit. */
  forgetAt: number;
  /** Counts every write, for optimistic concurrency. */
  version: number;
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

export class AddressChangedError extends Error {
  override name = 'AddressChangedError';
}
