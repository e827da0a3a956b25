import { beforeEach, describe, expect, it } from 'vitest';
import { notifyCustomer, type NotifyDeps } from '../../src/domain/notify-customer';
import { ANN, events } from '../fixtures';

let emails: { notificationId: string; to: string; subject: string }[];
let texts: { notificationId: string; to: string; text: string }[];
let contact: { userId: string; email: string; name: string; phone?: string };

const deps = (): NotifyDeps => ({
  contacts: { get: async () => contact },
  mailer: { send: async (email) => (emails.push(email), { messageId: `m-${emails.length}` }) },
  texter: { send: async (sms) => (texts.push(sms), { messageId: `s-${texts.length}` }) },
});

beforeEach(() => {
  emails = [];
  texts = [];
  contact = { ...ANN, phone: '+14155550123' };
});

describe('notifying a customer', () => {
  it('e-mails, and texts a customer with a phone about a paid order, each message named by the event and its channel', async () => {
    expect(await notifyCustomer(deps(), events.paid())).toEqual({ channels: ['email', 'sms'] });
    const id = events.paid().id;
    expect(emails).toEqual([expect.objectContaining({ notificationId: `${id}#email`, to: 'ann@example.com', subject: 'Order 6F1C3F0E is paid' })]);
    expect(texts).toEqual([{ notificationId: `${id}#sms`, to: '+14155550123', text: expect.stringContaining('is paid') }]);
  });

  it('sends no SMS to a customer without a phone number, nor for a new order', async () => {
    contact = { ...ANN };
    expect(await notifyCustomer(deps(), events.paid())).toEqual({ channels: ['email'] });
    contact = { ...ANN, phone: '+14155550123' };
    expect(await notifyCustomer(deps(), events.created())).toEqual({ channels: ['email'] });
    expect(texts).toEqual([]);
  });

  it('fails when the e-mail cannot be sent, and sends no SMS then', async () => {
    const failing = { ...deps(), mailer: { send: async () => Promise.reject(new Error('MessageRejected')) } };
    await expect(notifyCustomer(failing, events.paid())).rejects.toThrow('MessageRejected');
    expect(texts).toEqual([]);
  });
});
