import { FAULT_KINDS } from '@shop/local-cloud';
import { describe, expect, it } from 'vitest';
import { faultPlan } from '../src/fault-plan';

describe("the soak's fault plan", () => {
  it('arms every kind of fault the local cloud can inject', () => {
    const { atStart, midway } = faultPlan(40);
    expect(new Set([...atStart, ...midway].map((f) => f.kind))).toEqual(new Set(FAULT_KINDS));
  });

  it('grows with the soak, and arms each fault at least once however small it is', () => {
    const total = (orders: number) => faultPlan(orders).atStart.reduce((sum, f) => sum + (f.count ?? 1), 0);
    expect(total(200)).toBeGreaterThan(4 * total(40));
    expect(faultPlan(1).atStart.every((f) => (f.count ?? 1) >= 1)).toBe(true);
  });
});
