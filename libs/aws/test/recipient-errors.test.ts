import { describe, expect, it } from 'vitest';
import { maskRecipient, sendingTo, withoutRecipient } from '../src/recipient-errors';

describe('errors of a send to a person', () => {
  it('masks an address or a number, keeping enough to tell which', () => {
    expect(maskRecipient('+14155550123')).toBe('+1415•••0123');
    expect(maskRecipient('ann.lee@example.com')).toBe('a•••@example.com');
    expect(maskRecipient('+1234')).toBe('•••');
  });

  it("takes the recipient out of the message, in any case and with or without a number's +, and keeps what callers read", () => {
    const metadata = { httpStatusCode: 400, requestId: 'req-1' };
    const original = Object.assign(new Error('PhoneNumber Reason: +14155550123 (14155550123) is not valid'), {
      name: 'InvalidParameterException',
      $fault: 'client',
      $metadata: metadata,
      $retryable: undefined,
      PhoneNumber: '+14155550123',
      cause: new Error('+14155550123'),
    });

    const clean = withoutRecipient(original, '+14155550123');

    expect(clean.message).toBe('PhoneNumber Reason: +1415•••0123 (+1415•••0123) is not valid');
    expect(clean).toMatchObject({ name: 'InvalidParameterException', $fault: 'client', $metadata: metadata });
    expect(clean).not.toHaveProperty('PhoneNumber');
    expect(clean.cause).toBeUndefined();
    expect(`${clean.stack} ${JSON.stringify(clean)}`).not.toContain('4155550123');
    expect(withoutRecipient(new Error('identities failed: ANN@EXAMPLE.COM'), 'ann@example.com').message).toBe('identities failed: a•••@example.com');
  });

  it('passes an answer through, and a failure out without the recipient', async () => {
    await expect(sendingTo('ann@example.com', async () => 'sent')).resolves.toBe('sent');
    await expect(
      sendingTo('ann@example.com', async () => {
        throw Object.assign(new Error('rejected: ann@example.com'), { name: 'MessageRejected' });
      }),
    ).rejects.toMatchObject({ name: 'MessageRejected', message: 'rejected: a•••@example.com' });
    await expect(
      sendingTo('ann@example.com', async () => {
        throw 'a string';
      }),
    ).rejects.toMatchObject({ message: 'a string' });
  });
});
