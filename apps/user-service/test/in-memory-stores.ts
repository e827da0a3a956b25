import type { ContactChannel, User } from '@shop/contracts';
import { destinationOf } from '../src/domain/contact-verification';
import type { CodeSender } from '../src/domain/code-sender';
import type { ProfileRepository } from '../src/domain/profile-repository';
import { AddressChangedError, type DestinationSends, ShopLimitReachedError, type Verification, VerificationConflictError, type VerificationStore } from '../src/domain/verification-store';

/**
 * The ports in memory, with the DynamoDB adapters' conditions (the integration test holds the
 * adapters to the same rules on DynamoDB Local): the domain's tests run on these.
 */
export function inMemoryStores(profiles: User[] = []) {
  const users = new Map(profiles.map((p) => [p.userId, structuredClone(p)]));
  const verifications = new Map<string, Verification>();
  const destinations = new Map<string, DestinationSends>();
  /** The shop's codes per channel and clock hour (`sms#2026-03-01T10`), from every account. */
  const shopSends = new Map<string, number>();
  const key = (userId: string, channel: ContactChannel) => `${userId}#${channel}`;
  /** A destination as the DynamoDB store keys it: an e-mail address by its mailbox. */
  const destination = (sentTo: string, channel: ContactChannel) => key(destinationOf(channel, sentTo), channel);

  const profileRepository: ProfileRepository = {
    async create(profile) {
      users.set(profile.userId, structuredClone(profile));
    },
    async get(userId) {
      return structuredClone(users.get(userId));
    },
  };

  const verificationStore: VerificationStore = {
    async get(userId, channel) {
      return structuredClone(verifications.get(key(userId, channel)));
    },
    async save(next) {
      const stored = verifications.get(key(next.userId, next.channel));
      if ((stored?.version ?? 0) !== next.version - 1) throw new VerificationConflictError('changed meanwhile');
      verifications.set(key(next.userId, next.channel), structuredClone(next));
    },
    async sendsTo(channel, sentTo) {
      return structuredClone(destinations.get(destination(sentTo, channel)));
    },
    async saveSent(next, sends, shop) {
      const stored = verifications.get(key(next.userId, next.channel));
      const storedSends = destinations.get(destination(sends.sentTo, sends.channel));
      const shopHour = shop && `${shop.channel}#${shop.hour}`;
      const shopCount = (shopHour && shopSends.get(shopHour)) || 0;
      if (shop && shopCount >= shop.limit) throw new ShopLimitReachedError('the shop hour is full');
      if ((stored?.version ?? 0) !== next.version - 1 || (storedSends?.version ?? 0) !== sends.version - 1) throw new VerificationConflictError('changed meanwhile');
      verifications.set(key(next.userId, next.channel), structuredClone(next));
      destinations.set(destination(sends.sentTo, sends.channel), structuredClone(sends));
      if (shopHour) shopSends.set(shopHour, shopCount + 1);
    },
    async markDelivered(sent, deliveredAt) {
      const stored = verifications.get(key(sent.userId, sent.channel));
      if (stored?.version !== sent.version) return false;
      verifications.set(key(sent.userId, sent.channel), { ...stored, deliveredAt, version: sent.version + 1 });
      return true;
    },
    async complete(verification) {
      const profile = users.get(verification.userId);
      const address = verification.channel === 'email' ? profile?.email : profile?.phone;
      if (!profile || address !== verification.sentTo) throw new AddressChangedError('address changed');
      if (verifications.get(key(verification.userId, verification.channel))?.version !== verification.version) throw new VerificationConflictError('changed meanwhile');
      if (verification.channel === 'email') profile.emailVerified = true;
      else profile.phoneVerified = true;
      verifications.delete(key(verification.userId, verification.channel));
    },
  };

  return { users, verifications, destinations, shopSends, profileRepository, verificationStore };
}

/** A sender that keeps what it was given: the test's inbox. */
export function recordingSender() {
  const sent: { channel: ContactChannel; to: string; subject?: string; text: string }[] = [];
  const sender: CodeSender = {
    async email(to, subject, text) {
      sent.push({ channel: 'email', to, subject, text });
    },
    async sms(to, text) {
      sent.push({ channel: 'sms', to, text });
    },
  };
  return { sent, sender };
}
