import { LOCAL_TABLES_TEST_TIMEOUT_MS, type LocalTables, startLocalTables } from '@shop/local-cloud';
import type { User } from '@shop/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoProfileRepository } from '../../src/adapters/dynamodb-profile-repository';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { destinationKey, dynamoVerificationStore, shopSendsKey } from '../../src/adapters/dynamodb-verification-store';
import { AddressChangedError, type DestinationSends, ProfileGoneError, ShopLimitReachedError, type ShopSends, type Verification, VerificationConflictError } from '../../src/domain/verification-store';
import { service } from '../../src/service';

/** The verification store's conditions and its transaction on DynamoDB Local, with the tables the manifest declares. */

let local: LocalTables;
const profiles = dynamoProfileRepository();
/** DynamoDB Local deletes expired items, as DynamoDB does: these are kept for the hour to come. */
const forgetAt = Math.ceil(Date.now() / 1000) + 3600;
const verifications = dynamoVerificationStore();

const profile = (userId: string): User => ({
  userId,
  email: `${userId}@example.com`,
  emailVerified: false,
  name: 'Ada',
  phone: '+14155550123',
  phoneVerified: false,
  role: 'CUSTOMER',
  createdAt: '2026-03-01T09:00:00.000Z',
});
const verification = (userId: string, changes: Partial<Verification> = {}): Verification => ({
  userId,
  channel: 'email',
  sentTo: `${userId}@example.com`,
  code: { salt: 'c2FsdA==', hash: 'aGFzaA==' },
  codeExpiresAt: '2026-03-01T10:10:00.000Z',
  wrongTries: 0,
  sentAt: ['2026-03-01T10:00:00.000Z'],
  forgetAt,
  version: 1,
  ...changes,
});

beforeAll(async () => {
  local = await startLocalTables([service]);
}, 120_000);
afterAll(async () => {
  await local?.stop();
}, 30_000);

describe('the verification store, on DynamoDB Local', { timeout: LOCAL_TABLES_TEST_TIMEOUT_MS }, () => {
  it('keeps a verification as it was saved, and forgets a burnt code entirely', async () => {
    await verifications.save(verification('u1'));
    expect(await verifications.get('u1', 'email')).toEqual(verification('u1'));
    expect(await verifications.get('u1', 'sms')).toBeUndefined();

    const { code: _, ...burnt } = verification('u1', { wrongTries: 5, version: 2 });
    await verifications.save(burnt);
    expect(await verifications.get('u1', 'email')).toEqual(burnt);
  });

  it('writes only over the version it read: a second writer from the same read loses', async () => {
    await verifications.save(verification('u2'));
    await expect(verifications.save(verification('u2'))).rejects.toBeInstanceOf(VerificationConflictError);
    await verifications.save(verification('u2', { wrongTries: 1, version: 2 }));
    await expect(verifications.save(verification('u2', { wrongTries: 1, version: 2 }))).rejects.toBeInstanceOf(VerificationConflictError);
    expect((await verifications.get('u2', 'email'))?.version).toBe(2);
  });

  it('writes a new code and the sends to its number in one transaction, keeping only a hash of the number', async () => {
    const phone = '+14155550199';
    const sends = (changes: Partial<DestinationSends> = {}): DestinationSends => ({ channel: 'sms', sentTo: phone, sentAt: ['2026-03-01T10:00:00.000Z'], forgetAt, version: 1, ...changes });
    await Promise.all(['u7', 'u8'].map((userId) => profiles.create(profile(userId))));
    await verifications.saveSent(verification('u7', { channel: 'sms', sentTo: phone }), sends());
    expect(await verifications.sendsTo('sms', phone)).toEqual(sends());
    expect(await verifications.sendsTo('email', phone)).toBeUndefined();
    const { Item } = await local.client.send(new GetCommand({ TableName: local.tableName(service.name, 'contact-verifications'), Key: destinationKey('sms', phone) }));
    expect(Item?.['userId']).toMatch(/^sent-to#[0-9a-f]{64}$/);
    expect(JSON.stringify(Item)).not.toContain('4155550199');

    // Another account's code to the same number, from a stale read of the number's sends: neither record is written.
    await expect(verifications.saveSent(verification('u8', { channel: 'sms', sentTo: phone }), sends())).rejects.toBeInstanceOf(VerificationConflictError);
    expect(await verifications.get('u8', 'sms')).toBeUndefined();
    await verifications.saveSent(verification('u8', { channel: 'sms', sentTo: phone }), sends({ sentAt: ['2026-03-01T10:00:00.000Z', '2026-03-01T10:01:00.000Z'], version: 2 }));
    expect((await verifications.sendsTo('sms', phone))?.version).toBe(2);
    // An address's other spellings count together (case, +tag), apart from the address itself.
    expect(destinationKey('email', 'Ada@Example.com')).toEqual(destinationKey('email', 'ada+shop2@example.com'));
    expect(destinationKey('email', 'ada+shop2@example.com')).not.toEqual(destinationKey('email', 'ada@example.com'));
    expect(destinationKey('email', 'ada@example.org')).not.toEqual(destinationKey('email', 'ada@example.com'));
  });

  it("counts a text in the shop's hour in the same transaction, up to its limit; past it, neither the account's code nor the number's count is written", async () => {
    const shop: ShopSends = { channel: 'sms', hour: '2026-03-01T10', limit: 2, forgetAt };
    const text = (userId: string, phone: string) =>
      verifications.saveSent(verification(userId, { channel: 'sms', sentTo: phone }), { channel: 'sms', sentTo: phone, sentAt: ['2026-03-01T10:00:00.000Z'], forgetAt, version: 1 }, shop);
    const shopCount = async () =>
      (await local.client.send(new GetCommand({ TableName: local.tableName(service.name, 'contact-verifications'), Key: shopSendsKey('sms', shop.hour), ConsistentRead: true }))).Item;

    await Promise.all(['s1', 's2', 's3', 's4'].map((userId) => profiles.create(profile(userId))));
    await text('s1', '+14155550201');
    await text('s2', '+14155550202');
    expect(await shopCount()).toEqual({ ...shopSendsKey('sms', shop.hour), sent: 2, forgetAt });

    // An account and a number that never had a code, in a full hour: refused, and nothing written.
    await expect(text('s3', '+14155550203')).rejects.toBeInstanceOf(ShopLimitReachedError);
    expect(await verifications.get('s3', 'sms')).toBeUndefined();
    expect(await verifications.sendsTo('sms', '+14155550203')).toBeUndefined();
    expect((await shopCount())?.['sent']).toBe(2);

    // Another hour, or an e-mail code (no shop count), goes.
    await verifications.saveSent(verification('s3', { channel: 'sms', sentTo: '+14155550203' }), { channel: 'sms', sentTo: '+14155550203', sentAt: [], forgetAt, version: 1 }, { ...shop, hour: '2026-03-01T11' });
    await verifications.saveSent(verification('s4'), { channel: 'email', sentTo: 's4@example.com', sentAt: [], forgetAt, version: 1 });
    expect((await shopCount())?.['sent']).toBe(2);
  });

  it("never counts past the shop's limit, however many accounts race for the last codes of the hour", async () => {
    const shop: ShopSends = { channel: 'sms', hour: '2026-03-01T12', limit: 5, forgetAt };
    await Promise.all(Array.from({ length: 12 }, (_, i) => profiles.create(profile(`r${i}`))));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => {
        const phone = `+1415555031${String(i).padStart(2, '0')}`;
        return verifications.saveSent(verification(`r${i}`, { channel: 'sms', sentTo: phone }), { channel: 'sms', sentTo: phone, sentAt: [], forgetAt, version: 1 }, shop);
      }),
    );
    const written = outcomes.filter((o) => o.status === 'fulfilled').length;
    const { Item } = await local.client.send(new GetCommand({ TableName: local.tableName(service.name, 'contact-verifications'), Key: shopSendsKey('sms', shop.hour), ConsistentRead: true }));
    expect(Item?.['sent']).toBe(written);
    expect(written).toBeLessThanOrEqual(5);
    // Each loser is told why: the hour is full, or (conflicts past the retries) to try again.
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect([ShopLimitReachedError, VerificationConflictError]).toContain((outcome.reason as Error).constructor);
    const stored = await Promise.all(Array.from({ length: 12 }, (_, i) => verifications.get(`r${i}`, 'sms')));
    expect(stored.filter(Boolean)).toHaveLength(written);
  });

  it('writes no code, and no address, for an account whose profile is gone (deleted after the request read it)', async () => {
    const sends: DestinationSends = { channel: 'sms', sentTo: '+14155550299', sentAt: [], forgetAt, version: 1 };
    await expect(verifications.saveSent(verification('gone', { channel: 'sms', sentTo: '+14155550299' }), sends, { channel: 'sms', hour: '2026-03-01T13', limit: 5, forgetAt })).rejects.toBeInstanceOf(
      ProfileGoneError,
    );
    expect(await verifications.get('gone', 'sms')).toBeUndefined();
    expect(await verifications.sendsTo('sms', '+14155550299')).toBeUndefined();
  });

  it('records a delivery only over the version the request wrote: a newer request’s code is never overwritten, a confirmed one never brought back', async () => {
    const sends = (version: number): DestinationSends => ({ channel: 'email', sentTo: 'u9@example.com', sentAt: [], forgetAt, version });
    const first = verification('u9');
    await profiles.create(profile('u9'));
    await verifications.saveSent(first, sends(1));
    expect(await verifications.markDelivered(first, '2026-03-01T10:00:01.000Z')).toBe(true);
    expect(await verifications.get('u9', 'email')).toEqual({ ...first, deliveredAt: '2026-03-01T10:00:01.000Z', version: 2 });

    // A request's code still on its way when a newer request writes its own: the first one's delivery is not recorded over it.
    const second = verification('u9', { code: { salt: 'c2FsdDI=', hash: 'aGFzaDI=' }, sentAt: ['2026-03-01T10:00:00.000Z', '2026-03-01T10:02:00.000Z'], version: 3 });
    const third = verification('u9', { code: { salt: 'c2FsdDM=', hash: 'aGFzaDM=' }, sentAt: ['2026-03-01T10:00:00.000Z', '2026-03-01T10:02:00.000Z', '2026-03-01T10:02:00.500Z'], version: 4 });
    await verifications.saveSent(second, sends(2));
    await verifications.saveSent(third, sends(3));
    expect(await verifications.markDelivered(second, '2026-03-01T10:02:01.000Z')).toBe(false);
    expect(await verifications.get('u9', 'email')).toEqual(third);

    // A code confirmed (the verification deleted) before its delivery was recorded stays gone.
    await verifications.complete(third);
    expect(await verifications.markDelivered(third, '2026-03-01T10:02:01.000Z')).toBe(false);
    expect(await verifications.get('u9', 'email')).toBeUndefined();
  });

  it('marks the channel verified and removes the verification, in one transaction', async () => {
    await profiles.create(profile('u3'));
    await verifications.save(verification('u3'));
    await verifications.complete(verification('u3'));
    expect(await profiles.get('u3')).toMatchObject({ emailVerified: true, phoneVerified: false });
    expect(await verifications.get('u3', 'email')).toBeUndefined();

    await verifications.save(verification('u3', { channel: 'sms', sentTo: '+14155550123' }));
    await verifications.complete(verification('u3', { channel: 'sms', sentTo: '+14155550123' }));
    expect(await profiles.get('u3')).toMatchObject({ emailVerified: true, phoneVerified: true });
  });

  it('verifies nothing when the profile no longer has the address the code went to', async () => {
    await profiles.create({ ...profile('u4'), email: 'new-address@example.com' });
    await verifications.save(verification('u4'));
    await expect(verifications.complete(verification('u4'))).rejects.toBeInstanceOf(AddressChangedError);
    expect((await profiles.get('u4'))?.emailVerified).toBe(false);
    expect(await verifications.get('u4', 'email')).toBeDefined();
  });

  it('verifies nothing when the verification changed since it was read', async () => {
    await profiles.create(profile('u5'));
    await verifications.save(verification('u5'));
    await verifications.save(verification('u5', { wrongTries: 1, version: 2 }));
    await expect(verifications.complete(verification('u5'))).rejects.toBeInstanceOf(VerificationConflictError);
    expect((await profiles.get('u5'))?.emailVerified).toBe(false);
  });

  it('verifies nothing for a user without a profile', async () => {
    await verifications.save(verification('u6'));
    await expect(verifications.complete(verification('u6'))).rejects.toBeInstanceOf(AddressChangedError);
    expect(await profiles.get('u6')).toBeUndefined();
  });
});
