import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type LocalTables, startLocalTables } from '@shop/local-cloud/src/local-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoSentNotifications } from '../../src/adapters/dynamodb-sent-notifications';
import { service } from '../../src/service';

/** The claims on DynamoDB Local: the conditional writes really let one delivery of an event send. */

let local: LocalTables;
const sent = dynamoSentNotifications();
const at = (seconds: number) => new Date(Date.UTC(2026, 11, 1, 10, 0, seconds));

beforeAll(async () => {
  local = await startLocalTables([service]);
}, 120_000);
afterAll(async () => {
  await local?.stop();
}, 30_000);

describe('sent notifications on DynamoDB Local', () => {
  it('lets exactly one of ten concurrent deliveries of an event claim it', async () => {
    const claims = await Promise.all(Array.from({ length: 10 }, () => sent.claim('evt-1#email', at(0), 30)));
    expect(claims.filter((c) => c === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c === 'in-flight')).toHaveLength(9);
  });

  it('answers already-sent once marked, and keeps the record a week', async () => {
    expect(await sent.claim('evt-2#email', at(0), 30)).toBe('claimed');
    await sent.markSent('evt-2#email', at(1), 'ses-42');
    expect(await sent.claim('evt-2#email', at(500), 30)).toBe('already-sent');
    const { Item } = await local.client.send(
      new GetCommand({ TableName: local.tableName('notification-service', 'sent-notifications'), Key: { notificationId: 'evt-2#email' } }),
    );
    expect(Item).toMatchObject({ status: 'SENT', messageId: 'ses-42', expiresAt: Math.floor(at(0).getTime() / 1000) + 7 * 24 * 3600 });
    expect(Item).not.toHaveProperty('leaseUntil');
  });

  it('gives a claim whose holder crashed to the next delivery once its lease has run out', async () => {
    expect(await sent.claim('evt-3#sms', at(0), 30)).toBe('claimed');
    expect(await sent.claim('evt-3#sms', at(20), 30)).toBe('in-flight');
    expect(await sent.claim('evt-3#sms', at(31), 30)).toBe('claimed');
  });

  it('frees a released claim at once, and never releases a sent one', async () => {
    expect(await sent.claim('evt-4#email', at(0), 30)).toBe('claimed');
    await sent.release('evt-4#email');
    expect(await sent.claim('evt-4#email', at(1), 30)).toBe('claimed');
    await sent.markSent('evt-4#email', at(2), 'ses-43');
    await sent.release('evt-4#email');
    expect(await sent.claim('evt-4#email', at(3), 30)).toBe('already-sent');
  });
});
