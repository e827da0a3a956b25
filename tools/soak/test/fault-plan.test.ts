import { FAULT_KINDS } from '@shop/local-cloud';
import { describe, expect, it } from 'vitest';
import { faultPlan } from '../src/fault-plan';

/** How many receives, retries and attempts each kind of target gives a message before it needs a person. */
const RETRIES_OF: Record<string, number> = {
  'order-service/update-order-status': 5, // payment-events: maxReceiveCount 5
  'payment-service/payment-events': 4, // the webhook answers 5xx; the provider retries 3 times
  'payment-service/refunds': 5,
  'payment-service/refund-payment': 5,
  'order-events/publish-order-events': 10, // a stream batch is retried 10 times
  'inventory-service/release-stock': 3, // an asynchronous invoke: 1 + 2 retries
};

describe("the soak's fault plan", () => {
  it('arms every kind of fault the local cloud can inject in every wave', () => {
    for (const wave of faultPlan(200)) expect(new Set([...wave.burst, ...wave.midway].map((f) => f.kind))).toEqual(new Set(FAULT_KINDS));
  });

  it('grows by adding a wave per 40 checkouts, never by bigger bursts', () => {
    expect(faultPlan(40)).toHaveLength(1);
    expect(faultPlan(200)).toHaveLength(5);
    expect(faultPlan(1)).toHaveLength(1);
    expect(faultPlan(200)[4]).toEqual(faultPlan(40)[0]);
  });

  it('keeps each burst within the retries of what it hits: survivable faults, not ones for a person', () => {
    for (const fault of faultPlan(400).flatMap((w) => w.burst)) {
      const retries = fault.target ? RETRIES_OF[fault.target] : undefined;
      if (retries !== undefined) expect(fault.count ?? 1, `${fault.kind} on ${fault.target}`).toBeLessThan(retries);
    }
  });
});
