import { describe, expect, it } from 'vitest';
import { changedPlanTimeReads, planTimeReads, readersOf } from '../src/plan-waves';

const parameter = (name: string) => ({ type: 'aws_ssm_parameter', name });

describe('deploy waves', () => {
  it("finds what a plan creates or changes among what other stacks read while planning, and not what it leaves", () => {
    const plan = {
      resource_changes: [
        { type: 'aws_ssm_parameter', change: { actions: ['update'], before: { name: '/shop/prod/layers/common-utils/arn' }, after: { name: '/shop/prod/layers/common-utils/arn' } } },
        { type: 'aws_ssm_parameter', change: { actions: ['no-op'], before: { name: '/shop/prod/http-api/id' }, after: { name: '/shop/prod/http-api/id' } } },
        { type: 'aws_dynamodb_table', change: { actions: ['create'], before: null, after: { name: 'shop-prod-order-service-orders' } } },
        { type: 'aws_lambda_function', change: { actions: ['update'], before: { name: 'x' }, after: { name: 'x' } } },
      ],
    };
    expect(changedPlanTimeReads(plan)).toEqual([
      parameter('/shop/prod/layers/common-utils/arn'),
      { type: 'aws_dynamodb_table', name: 'shop-prod-order-service-orders' },
    ]);
  });

  it('names the later stacks that read a changed resource: they wait for the next wave', () => {
    const orderEvents = planTimeReads({
      data: {
        aws_dynamodb_table: { 'stream-source': { name: 'shop-prod-order-service-orders' } },
        aws_ssm_parameter: { 'platform-event-bus-name': { name: '/shop/prod/event-bus/name' } },
        aws_region: { current: {} },
      },
    });
    const web = planTimeReads({ data: { aws_ssm_parameter: { 'platform-web-url': { name: '/shop/prod/web/url' } } } });
    expect(readersOf([{ type: 'aws_dynamodb_table', name: 'shop-prod-order-service-orders' }], { 'order-events': orderEvents, web })).toEqual(['order-events']);
    expect(readersOf([parameter('/shop/prod/layers/common-utils/arn')], { 'order-events': orderEvents, web })).toEqual([]);
  });
});
