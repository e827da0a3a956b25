import { describe, expect, it } from 'vitest';
import { formatMoney, renderMessage } from '../../src/domain/message';
import { events } from '../fixtures';

describe('the message for an order event', () => {
  it('thanks the customer for a new order, by name, with what and how much, and sends no SMS', () => {
    const message = renderMessage(events.created(), { name: 'Ann' });
    expect(message.subject).toBe('Order 6F1C3F0E received');
    expect(message.text).toContain('Hi Ann,');
    expect(message.text).toContain('2 items, $25.00');
    expect(message.sms).toBeUndefined();
  });

  it('confirms a paid order with its lines, and by SMS too', () => {
    const message = renderMessage(events.paid(), { name: 'Ann' });
    expect(message.subject).toBe('Order 6F1C3F0E is paid');
    expect(message.text).toContain('2 × Enamel mug  $25.00');
    expect(message.sms).toBe('Shop: order 6F1C3F0E is paid ($25.00). Thank you!');
  });

  it('says why an order was cancelled or its payment failed, and that nothing was charged', () => {
    const cancelled = renderMessage(events.cancelled(), { name: 'Ann' });
    expect(cancelled.subject).toBe('Order 6F1C3F0E was cancelled');
    expect(cancelled.text).toContain('(cancelled by customer). Nothing was charged.');
    const failed = renderMessage(events.paymentFailed(), { name: 'Ann' });
    expect(failed.subject).toBe('Payment for order 6F1C3F0E did not go through');
    expect(failed.sms).toContain('(card_declined)');
  });

  it('writes integer cents as a person reads money', () => {
    expect(formatMoney({ amount: 1250, currency: 'USD' })).toBe('$12.50');
    expect(formatMoney({ amount: 800, currency: 'EUR' })).toBe('€8.00');
    expect(formatMoney({ amount: 100_000_000, currency: 'GBP' })).toBe('£1,000,000.00');
  });
});
