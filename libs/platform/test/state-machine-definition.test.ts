import { describe, expect, it } from 'vitest';
import { placeholderRef } from '../src';

describe('placeholderRef', () => {
  it('reads a whole ${service/function} placeholder and nothing else', () => {
    expect(placeholderRef('${order-service/validate-order}')).toBe('order-service/validate-order');
    expect(placeholderRef('arn:aws:lambda:us-east-1:000000000000:function:x')).toBeUndefined();
    expect(placeholderRef('prefix ${order-service/validate-order}')).toBeUndefined();
    expect(placeholderRef('${order-service}')).toBeUndefined();
  });
});
