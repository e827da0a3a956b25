import type { ChargeEvent } from '@shop/contracts';
import { describe, expect, it } from 'vitest';
import { verifyChargeEvent } from '../../src/domain/charge-verification';
import type { PaymentRecord } from '../../src/domain/payment-record';

const ORDER_ID = '0d2c5a0e-6b1f-4c8e-9a7d-3e2f1b0c9d8e';
const record = (overrides: Partial<PaymentRecord> = {}): PaymentRecord => ({
  orderId: ORDER_ID,
  amount: { amount: 1500, currency: 'USD' },
  chargeId: 'ch_1',
  createdAt: 'x',
  updatedAt: 'x',
  ...overrides,
});
const event = (data: Partial<ChargeEvent['data']> = {}): ChargeEvent => ({
  id: 'evt_1',
  type: 'charge.succeeded',
  created: 1,
  data: { chargeId: 'ch_1', orderId: ORDER_ID, amount: 1500, currency: 'USD', ...data },
});

describe('is a charge event about the charge the shop made?', () => {
  it('yes, when it names the recorded charge for exactly the order’s amount and currency', () => {
    expect(verifyChargeEvent(record(), event())).toEqual({ ok: true, amount: { amount: 1500, currency: 'USD' }, adoptChargeId: false });
  });

  it('yes, and its charge id is to be recorded, when it overtook the record of the charge', () => {
    expect(verifyChargeEvent(record({ chargeId: undefined }), event())).toMatchObject({ ok: true, adoptChargeId: true });
  });

  it('no, naming every difference, for another amount, currency or charge', () => {
    expect(verifyChargeEvent(record(), event({ amount: 1, currency: 'EUR', chargeId: 'ch_2' }))).toEqual({
      ok: false,
      problems: ["amount 1 is not the order's 1500", "currency EUR is not the order's USD", 'charge ch_2 is not the charge ch_1 the shop made'],
    });
  });

  it('no, for an order the shop never began a payment for', () => {
    expect(verifyChargeEvent(undefined, event())).toEqual({ ok: false, problems: [`no payment was begun for order ${ORDER_ID}`] });
  });
});
