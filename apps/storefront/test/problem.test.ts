import { describe, expect, it } from 'vitest';
import { networkProblem, problemFromAnswer, retryAfterSeconds } from '../src/problem';

const apiError = (code: string, message: string, details?: { field: string; message: string }[]) => ({ error: { code, message, ...(details ? { details } : {}) } });

describe('problemFromAnswer', () => {
  it('puts each refused field next to its field, in words, and asks to correct them', () => {
    const problem = problemFromAnswer(
      400,
      apiError('VALIDATION_FAILED', 'Invalid request body', [
        { field: 'password', message: 'must be at least 8 characters long' },
        { field: 'password', message: 'must contain a number' },
        { field: 'email', message: 'Invalid email address' },
      ]),
      'sign-up',
    );
    expect(problem.message).toBe('Please correct the highlighted fields.');
    expect(problem.fields['password']).toBe('Password must be at least 8 characters long. Password must contain a number.');
    expect(problem.fields['email']).toBe('Enter an e-mail address like name@example.com.');
  });

  it("says the cart's own limit with its number for this shopper, not a generic range", () => {
    const problem = problemFromAnswer(400, apiError('QUANTITY_LIMIT', 'A cart line holds at most 99', [{ field: 'quantity', message: 'at most 1 more can be added' }]), 'cart');
    expect(problem.fields['quantity']).toBe('Quantity: at most 1 more can be added.');
    expect(problem.message).toBe('You can have at most 99 of one product in your cart.');
    const full = problemFromAnswer(400, apiError('QUANTITY_LIMIT', 'x', [{ field: 'quantity', message: 'the line already holds 99' }]), 'cart');
    expect(full.fields['quantity']).toBe('Quantity: the line already holds 99.');
  });

  it('says what a checkout error means and what to do', () => {
    expect(problemFromAnswer(409, apiError('CART_EMPTY', 'Cart is empty'), 'checkout').message).toMatch(/cart is empty/i);
    expect(problemFromAnswer(409, apiError('ORDER_NOT_PAYABLE', 'Order is CANCELLED'), 'payment').message).toMatch(/can't be paid any more/);
    expect(problemFromAnswer(409, apiError('PRODUCT_UNAVAILABLE', 'x'), 'checkout').message).toMatch(/no longer available/);
    expect(problemFromAnswer(422, apiError('IDEMPOTENCY_KEY_REUSED', 'x'), 'checkout').message).toMatch(/cart changed/);
    expect(problemFromAnswer(503, apiError('SERVICE_UNAVAILABLE', 'x'), 'checkout').message).toMatch(/nothing was changed/);
  });

  it('says why an order was refused while 3 others wait for payment, and what to do about it', () => {
    const problem = problemFromAnswer(409, apiError('TOO_MANY_OPEN_ORDERS', 'You have 3 orders awaiting payment; pay for or cancel one of them before placing another'), 'checkout');
    expect(problem.code).toBe('TOO_MANY_OPEN_ORDERS');
    expect(problem.message).toBe('You already have 3 orders waiting for payment, so nothing was ordered. Pay for or cancel one of them in Your orders, then place this order again.');
  });

  it('says what an admin’s refused save means', () => {
    expect(problemFromAnswer(503, apiError('PRODUCT_BUSY', 'x'), 'admin').message).toMatch(/buying this product right now/);
    expect(problemFromAnswer(422, apiError('IDEMPOTENCY_KEY_REUSED', 'x'), 'admin').message).toMatch(/already created with different details/);
    expect(problemFromAnswer(422, apiError('IDEMPOTENCY_KEY_REUSED', 'x'), 'cart').message).toMatch(/already added with another quantity/);
  });

  it('tells a wrong password from an ended session', () => {
    expect(problemFromAnswer(401, apiError('UNAUTHORIZED', 'Invalid token'), 'sign-in').message).toMatch(/password isn't right/);
    expect(problemFromAnswer(401, { message: 'Unauthorized' }, 'cart').message).toMatch(/sign in again/);
  });

  it('answers every other status in plain words, never the raw message', () => {
    expect(problemFromAnswer(403, apiError('FORBIDDEN', 'x')).message).toMatch(/isn't allowed/);
    expect(problemFromAnswer(404, apiError('NOT_FOUND', 'x'), 'product').message).toBe('This product is no longer available.');
    expect(problemFromAnswer(412, apiError('PRECONDITION_FAILED', 'x'), 'admin').message).toMatch(/Someone changed this/);
    expect(problemFromAnswer(413, apiError('PAYLOAD_TOO_LARGE', 'x')).message).toMatch(/more than the shop can take/);
    expect(problemFromAnswer(429, { message: 'Too Many Requests' }).message).toMatch(/busy/);
    expect(problemFromAnswer(503, { message: 'Service Unavailable' }).message).toMatch(/on our side/);
    expect(problemFromAnswer(500, apiError('INTERNAL', 'x'), undefined, 'req-1')).toMatchObject({ requestId: 'req-1' });
  });

  it('puts a taken e-mail address next to the e-mail field', () => {
    expect(problemFromAnswer(409, apiError('EMAIL_TAKEN', 'x'), 'sign-up').fields['email']).toMatch(/already exists/);
  });

  it('says what a refused verification code means, the wrong code next to its field', () => {
    const wrong = problemFromAnswer(400, apiError('INVALID_CODE', 'x', [{ field: 'code', message: 'wrong or expired' }]));
    expect(wrong.fields['code']).toBe("That code isn't right, or it has expired. Check it, or ask for a new one.");
    expect(wrong.message).toBe(wrong.fields['code']);
    expect(problemFromAnswer(400, apiError('VALIDATION_FAILED', 'x', [{ field: 'code', message: 'Invalid string' }])).fields['code']).toBe('Enter the 6 digits of the code we sent you.');
    expect(problemFromAnswer(429, apiError('TOO_MANY_ATTEMPTS', 'x')).message).toMatch(/no longer works\. Ask for a new one/);
    expect(problemFromAnswer(409, apiError('ALREADY_VERIFIED', 'x')).message).toMatch(/verified already/);
    expect(problemFromAnswer(400, apiError('NO_PHONE', 'x'), 'send-code').message).toBe('Your account has no mobile number to verify.');
  });

  it('says when a code can be asked for again, as the Retry-After says', () => {
    const send = (status: number, code: string, retryAfter?: string) => problemFromAnswer(status, apiError(code, 'x'), 'send-code', undefined, retryAfter).message;
    expect(send(429, 'TOO_MANY_REQUESTS', '1500')).toBe("You can't have another code just yet. Please try again in 25 minutes.");
    expect(send(429, 'TOO_MANY_REQUESTS', '1')).toBe("You can't have another code just yet. Please try again in 1 second.");
    expect(send(429, 'TOO_MANY_REQUESTS')).toBe("You can't have another code just yet. Please try again in a moment.");
    expect(send(503, 'CODE_NOT_SENT', '30')).toBe("We couldn't send your code just now. Please try again in 30 seconds.");
    expect(send(503, 'CODE_NOT_SENT')).toBe("We couldn't send your code just now. Please try again in a moment.");
    // The shop's hourly cap on texts is not the customer's doing, and e-mail is not capped.
    expect(send(429, 'SHOP_SMS_LIMIT_REACHED', '900')).toBe("We're sending too many text messages right now. Please try again in 15 minutes. Codes by e-mail are not affected.");
    // Elsewhere a 429 is the shop being busy, as before.
    expect(problemFromAnswer(429, apiError('TOO_MANY_REQUESTS', 'x'), 'sign-in', undefined, '1').message).toMatch(/very busy/);
  });

  it('reads a Retry-After in seconds or as a date, and nothing else', () => {
    const now = Date.parse('2030-01-01T00:00:00.000Z');
    expect(retryAfterSeconds('120', now)).toBe(120);
    expect(retryAfterSeconds('Tue, 01 Jan 2030 00:01:30 GMT', now)).toBe(90);
    expect(retryAfterSeconds('Mon, 31 Dec 2029 23:00:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });

  it('says so when no answer came at all', () => {
    expect(networkProblem()).toMatchObject({ status: 0, message: expect.stringMatching(/couldn't reach the shop/) });
  });
});
