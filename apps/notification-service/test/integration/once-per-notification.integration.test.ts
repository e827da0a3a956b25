import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import { LOCAL_TABLES_TEST_TIMEOUT_MS, type LocalTables, startLocalTables } from '@shop/local-cloud';
import { lambdaContext } from '@shop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OncePerNotification } from '../../src/adapters/once-per-notification';
import type { Notification } from '../../src/domain/ports';
import { service } from '../../src/service';

/** Powertools' idempotency on DynamoDB Local, with the table the manifest declares: each notification goes once. */

let local: LocalTables;
const once = new OncePerNotification();
const notification = (id: string): Notification => ({ notificationId: id, userId: 'ann', to: 'ann@example.com', text: 'hello' });

/** A sender that counts its sends and can be told to fail or to take its time. */
function sender(behaviour: { fail?: boolean; delayMs?: number } = {}) {
  const sent: string[] = [];
  const send = once.wrap(async (n: Notification) => {
    if (behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
    if (behaviour.fail) throw new Error('provider down');
    sent.push(n.notificationId);
    return { messageId: `msg-${sent.length}` };
  });
  return { sent, send, behaviour };
}

beforeAll(async () => {
  local = await startLocalTables([service]);
  once.startInvocation(lambdaContext('send-notification'));
}, 120_000);
afterAll(async () => {
  await local?.stop();
}, 30_000);

describe('once per notification, on DynamoDB Local', { timeout: LOCAL_TABLES_TEST_TIMEOUT_MS }, () => {
  it('sends a notification once, and answers its repeat with the first message id', async () => {
    const { sent, send } = sender();
    expect(await send(notification('evt-1#email'))).toEqual({ messageId: 'msg-1' });
    expect(await send(notification('evt-1#email'))).toEqual({ messageId: 'msg-1' });
    expect(await send(notification('evt-1#sms'))).toEqual({ messageId: 'msg-2' });
    expect(sent).toEqual(['evt-1#email', 'evt-1#sms']);
  });

  it('lets one of five concurrent deliveries send; the others are told it is in progress, to be retried', async () => {
    const { sent, send } = sender({ delayMs: 300 });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => send(notification('evt-2#email'))));
    expect(sent).toEqual(['evt-2#email']);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === 'rejected')) expect((o as PromiseRejectedResult).reason).toBeInstanceOf(IdempotencyAlreadyInProgressError);
  });

  it('records nothing for a send that failed, so the retry sends it', async () => {
    const flaky = sender({ fail: true });
    await expect(flaky.send(notification('evt-3#email'))).rejects.toThrow('provider down');
    flaky.behaviour.fail = false;
    expect(await flaky.send(notification('evt-3#email'))).toEqual({ messageId: 'msg-1' });
    expect(flaky.sent).toEqual(['evt-3#email']);
  });
});
