import type { Contact } from '@shop/contracts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { notifyCustomer, type NotifyDeps } from '../../src/domain/notify-customer';
import type { Delivery, Notification } from '../../src/domain/ports';
import { ANN, events } from '../fixtures';

let emails: (Notification & { subject: string })[];
let texts: Notification[];
let contact: Contact;
let delivery: Delivery | undefined;
const log = { info: vi.fn(), warn: vi.fn() };

const deps = (): NotifyDeps => ({
  contacts: { get: async () => contact },
  email: async (email) => (emails.push(email), delivery ?? { outcome: 'sent', messageId: `m-${emails.length}` }),
  sms: async (sms) => (texts.push(sms), delivery ?? { outcome: 'sent', messageId: `s-${texts.length}` }),
});

beforeEach(() => {
  emails = [];
  texts = [];
  contact = { ...ANN };
  delivery = undefined;
  log.info.mockReset();
  log.warn.mockReset();
});

describe('notifying a customer', () => {
  it('e-mails and texts a verified customer about a paid order, each message named by the event and its channel', async () => {
    const outcomes = await notifyCustomer(deps(), events.paid(), log);
    expect(outcomes).toEqual([
      { channel: 'email', outcome: 'sent', messageId: 'm-1' },
      { channel: 'sms', outcome: 'sent', messageId: 's-1' },
    ]);
    const id = events.paid().id;
    expect(emails).toEqual([expect.objectContaining({ notificationId: `${id}#email`, userId: ANN.userId, to: 'ann@example.com', subject: 'Order 6F1C3F0E is paid' })]);
    expect(texts).toEqual([{ notificationId: `${id}#sms`, userId: ANN.userId, to: '+14155550123', text: expect.stringContaining('is paid') }]);
  });

  it('sends nothing to an e-mail address the customer has not verified, and logs why', async () => {
    contact = { ...ANN, emailVerified: false };
    const outcomes = await notifyCustomer(deps(), events.paid(), log);
    expect(outcomes).toContainEqual({ channel: 'email', outcome: 'skipped', reason: 'unverified' });
    expect(emails).toEqual([]);
    expect(texts).toHaveLength(1);
    expect(log.info).toHaveBeenCalledWith({ channel: 'email', outcome: 'skipped', reason: 'unverified' }, 'message skipped: the customer has not verified this channel');
  });

  it('sends no SMS to a phone number the customer has not verified', async () => {
    contact = { ...ANN, phoneVerified: false };
    const outcomes = await notifyCustomer(deps(), events.paid(), log);
    expect(outcomes).toEqual([
      { channel: 'email', outcome: 'sent', messageId: 'm-1' },
      { channel: 'sms', outcome: 'skipped', reason: 'unverified' },
    ]);
    expect(texts).toEqual([]);
  });

  it('sends nothing at all to a customer who verified nothing, without failing', async () => {
    contact = { ...ANN, emailVerified: false, phoneVerified: false };
    const outcomes = await notifyCustomer(deps(), events.cancelled(), log);
    expect(outcomes.map((o) => o.outcome)).toEqual(['skipped', 'skipped']);
    expect([...emails, ...texts]).toEqual([]);
  });

  it('sends no SMS to a customer without a phone number, nor for a new order', async () => {
    const { phone: _, phoneVerified: __, ...noPhone } = ANN;
    contact = noPhone;
    expect((await notifyCustomer(deps(), events.paid(), log)).map((o) => o.channel)).toEqual(['email']);
    contact = { ...ANN };
    expect((await notifyCustomer(deps(), events.created(), log)).map((o) => o.channel)).toEqual(['email']);
    expect(texts).toEqual([]);
  });

  it('texts the refund too', async () => {
    await notifyCustomer(deps(), events.refunded(), log);
    expect(texts).toEqual([expect.objectContaining({ text: 'Shop: we refunded $25.00 for order 6F1C3F0E (order cancelled).' })]);
  });

  it("reports a message the account's hourly limit stopped, at warn, and does not fail", async () => {
    delivery = { outcome: 'over-limit', limit: 20 };
    const outcomes = await notifyCustomer(deps(), events.paid(), log);
    expect(outcomes[0]).toEqual({ channel: 'email', outcome: 'skipped', reason: 'over-limit', limit: 20 });
    expect(log.warn).toHaveBeenCalledWith(
      { channel: 'email', outcome: 'skipped', reason: 'over-limit', limit: 20 },
      "message skipped: the account's hourly limit on this channel is spent",
    );
  });

  it("reports a text the number's hourly limit stopped, at warn, without the number, and does not fail", async () => {
    const all = deps();
    const outcomes = await notifyCustomer({ ...all, sms: async () => ({ outcome: 'number-over-limit', limit: 10 }) }, events.cancelled(), log);
    expect(outcomes).toEqual([
      { channel: 'email', outcome: 'sent', messageId: 'm-1' },
      { channel: 'sms', outcome: 'skipped', reason: 'number-over-limit', limit: 10 },
    ]);
    expect(log.warn).toHaveBeenCalledWith(
      { channel: 'sms', outcome: 'skipped', reason: 'number-over-limit', limit: 10 },
      "message skipped: the hourly limit on texts to this phone number is spent (any accounts' texts count)",
    );
  });

  it('fails when the e-mail cannot be sent, but sends the SMS all the same: a refused address must not cost the customer the text', async () => {
    const failing = { ...deps(), email: async () => Promise.reject(new Error('MessageRejected')) };
    await expect(notifyCustomer(failing, events.paid(), log)).rejects.toThrow('MessageRejected');
    expect(texts).toHaveLength(1);
  });

  it('fails with both errors when neither channel could be sent', async () => {
    const failing = { ...deps(), email: async () => Promise.reject(new Error('MessageRejected')), sms: async () => Promise.reject(new Error('Throttling')) };
    const failure = await notifyCustomer(failing, events.paid(), log).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AggregateError);
    expect((failure as AggregateError).errors.map((e: Error) => e.message)).toEqual(['MessageRejected', 'Throttling']);
  });

  it('sends nothing, and does not fail, for a customer who deleted their account (no contact: get-contact answered UserNotFound): there is no one to tell', async () => {
    const gone = { ...deps(), contacts: { get: async () => undefined } };

    await expect(notifyCustomer(gone, events.refunded(), log)).resolves.toEqual([]);

    expect([...emails, ...texts]).toEqual([]);
    expect(log.info).toHaveBeenCalledWith({ userId: ANN.userId }, 'nothing sent: the customer deleted their account, and there is no one to tell');
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('still fails, for Lambda to retry, when get-contact fails any other way', async () => {
    const invalid = Object.assign(new Error(`user-service/get-contact failed with InvalidRequest: no user ${ANN.userId}`), { name: 'InvokedFunctionError', errorType: 'InvalidRequest' });
    for (const error of [invalid, new Error('socket hang up')]) {
      const failing = { ...deps(), contacts: { get: async () => Promise.reject(error) } };
      await expect(notifyCustomer(failing, events.paid(), log)).rejects.toBe(error);
    }
    expect(emails).toEqual([]);
  });
});
