import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_TABLES_TEST_TIMEOUT_MS, type LocalTables, startLocalTables } from '@shop/local-cloud';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoMessageCounter, numberKey } from '../../src/adapters/dynamodb-message-counter';
import { service } from '../../src/service';

/** The per-account message counter on DynamoDB Local, with the table the manifest declares. */

let local: LocalTables;
const counter = dynamoMessageCounter();
const HOUR_MS = 3_600_000;
// Now, not a fixed date: DynamoDB Local deletes expired counters, as DynamoDB does.
const at = new Date();
const hour = (date: Date) => date.toISOString().slice(0, 13);

beforeAll(async () => {
  local = await startLocalTables([service]);
}, 120_000);
afterAll(async () => {
  await local?.stop();
}, 30_000);

describe('the message counter, on DynamoDB Local', { timeout: LOCAL_TABLES_TEST_TIMEOUT_MS }, () => {
  it('counts up to the limit in an hour and no further, per account and channel', async () => {
    const counted = [];
    for (let i = 0; i < 4; i++) counted.push(await counter.countWithin({ userId: 'ann', channel: 'sms' }, 3, at));
    expect(counted).toEqual([true, true, true, false]);
    expect(await counter.countWithin({ userId: 'ann', channel: 'email' }, 3, at)).toBe(true);
    expect(await counter.countWithin({ userId: 'bob', channel: 'sms' }, 3, at)).toBe(true);
    expect(await counter.countWithin({ userId: 'ann', channel: 'sms' }, 3, new Date(at.getTime() + HOUR_MS))).toBe(true);
  });

  it('never counts past the limit, however many sends race for it', async () => {
    const counted = await Promise.all(Array.from({ length: 30 }, () => counter.countWithin({ userId: 'carol', channel: 'email' }, 20, at)));
    expect(counted.filter(Boolean)).toHaveLength(20);
  });

  it('lets DynamoDB forget a counter an hour after its hour', async () => {
    await counter.countWithin({ userId: 'dave', channel: 'email' }, 20, at);
    const { Item } = await local.client.send(
      new GetCommand({ TableName: local.tableName('notification-service', 'message-counts'), Key: { id: `dave#email#${hour(at)}` } }),
    );
    const hourStart = Math.floor(at.getTime() / HOUR_MS) * HOUR_MS;
    expect(Item).toEqual({ id: `dave#email#${hour(at)}`, sent: 1, expiresAt: (hourStart + 2 * HOUR_MS) / 1000 });
  });

  it("counts a text against its account and its number, both or neither: a number's limit holds across accounts, and a refused text counts against neither", async () => {
    const phone = '+14155550155';
    const limits = { account: 2, number: 3 };
    const counted = [];
    for (const userId of ['erin', 'erin', 'fay', 'gus']) counted.push(await counter.countTextWithin({ userId, to: phone }, limits, at));
    expect(counted).toEqual(['counted', 'counted', 'counted', 'number-spent']);
    expect(await counter.countTextWithin({ userId: 'erin', to: '+14155550156' }, limits, at)).toBe('account-spent');

    const sent = async (id: string) =>
      (await local.client.send(new GetCommand({ TableName: local.tableName('notification-service', 'message-counts'), Key: { id }, ConsistentRead: true }))).Item?.['sent'];
    expect(await sent(`${numberKey(phone)}#sms#${hour(at)}`)).toBe(3);
    // Refused, neither counter moved: Gus's was never made, the other number's neither.
    expect(await sent(`gus#sms#${hour(at)}`)).toBeUndefined();
    expect(await sent(`${numberKey('+14155550156')}#sms#${hour(at)}`)).toBeUndefined();
    expect(await sent(`erin#sms#${hour(at)}`)).toBe(2);
    expect(numberKey(phone)).toMatch(/^sent-to#[0-9a-f]{64}$/);
    // The next hour, the number has a new allowance.
    expect(await counter.countTextWithin({ userId: 'gus', to: phone }, limits, new Date(at.getTime() + HOUR_MS))).toBe('counted');
  });

  it("never counts past a number's limit, however many accounts' texts race for it", async () => {
    const phone = '+14155550166';
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => counter.countTextWithin({ userId: `racer-${i}`, to: phone }, { account: 10, number: 10 }, at)));
    const counted = outcomes.filter((o) => o.status === 'fulfilled' && o.value === 'counted').length;
    const { Item } = await local.client.send(
      new GetCommand({ TableName: local.tableName('notification-service', 'message-counts'), Key: { id: `${numberKey(phone)}#sms#${hour(at)}` }, ConsistentRead: true }),
    );
    expect(Item?.['sent']).toBe(counted);
    expect(counted).toBeLessThanOrEqual(10);
    expect(outcomes.filter((o) => o.status === 'fulfilled' && o.value === 'number-spent').length).toBeGreaterThan(0);
  });
});
