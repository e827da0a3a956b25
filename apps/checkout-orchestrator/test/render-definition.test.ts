import { describe, expect, it } from 'vitest';
import { functionRefs, renderDefinition } from '../src';
import { loadCheckoutDefinition } from './checkout-definition';

const arn = (ref: string) => `arn:aws:lambda:us-east-1:123456789012:function:shop-dev-${ref.replace('/', '-')}`;

describe('renderDefinition', () => {
  it('replaces every placeholder of the checkout definition with the function ARN', () => {
    const rendered = renderDefinition(loadCheckoutDefinition(), arn) as ReturnType<typeof loadCheckoutDefinition>;
    const text = JSON.stringify(rendered);
    expect(text).not.toMatch(/\$\{/);
    expect(rendered.States['ValidateOrder']?.Resource).toBe('arn:aws:lambda:us-east-1:123456789012:function:shop-dev-order-service-validate-order');
    expect(rendered.States['WaitForPayment']?.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(rendered.States['WaitForPayment']?.Parameters?.['FunctionName']).toBe(arn('order-service/await-payment'));
  });

  it('changes nothing else, and leaves its input as it was', () => {
    const asl = loadCheckoutDefinition();
    const before = JSON.stringify(asl);
    const rendered = renderDefinition(asl, arn);
    expect(JSON.stringify(asl)).toBe(before);
    expect(JSON.stringify(rendered).replace(/arn:aws:lambda:us-east-1:123456789012:function:shop-dev-([a-z-]+?)-(validate-order|await-payment|finalize-order|reserve-stock|commit-stock|release-stock)"/g, (_, svc: string, fn: string) => `\${${svc}/${fn}}"`)).toBe(before);
  });

  it('replaces placeholders wherever they stand in a string, in arrays and nested objects, and keeps other values', () => {
    const asl = { a: ['${x-service/f}', 1, true, null], b: { c: 'call ${y-service/g} then ${x-service/f}' }, '${not/replaced}': 'key' };
    expect(renderDefinition(asl, (ref) => `<${ref}>`)).toEqual({
      a: ['<x-service/f>', 1, true, null],
      b: { c: 'call <y-service/g> then <x-service/f>' },
      '${not/replaced}': 'key',
    });
  });

  it('leaves JSONPath and intrinsic strings alone', () => {
    const asl = { 'reason.$': "States.Format('checkout failed: {}', $.error.Error)", 'token.$': '$$.Task.Token' };
    expect(renderDefinition(asl, () => 'x')).toEqual(asl);
  });
});

describe('functionRefs', () => {
  it('lists the functions the checkout invokes, once each: what its role must be allowed to call', () => {
    expect(functionRefs(loadCheckoutDefinition()).sort()).toEqual([
      'inventory-service/commit-stock',
      'inventory-service/release-stock',
      'inventory-service/reserve-stock',
      'order-service/await-payment',
      'order-service/finalize-order',
      'order-service/validate-order',
    ]);
  });
});
