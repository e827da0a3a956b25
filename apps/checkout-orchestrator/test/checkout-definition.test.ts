import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServiceManifest } from '@shop/platform';
import validator from 'asl-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkoutDefinitionPath, functionRefs } from '../src';
import { service } from '../src/service';
import { type AslState, loadCheckoutDefinition, taskFunctionRef, taskStates } from './checkout-definition';

const definition = loadCheckoutDefinition();
const CHECKOUT = 'checkout-orchestrator/checkout';
const TRANSIENT = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];

/** Every service's manifest, loaded from apps/<service>/src/service.ts as the local cloud and infra read them. */
let manifests: ServiceManifest[];
beforeAll(async () => {
  const apps = join(__dirname, '..', '..');
  const files = readdirSync(apps)
    .map((dir) => join(apps, dir, 'src', 'service.ts'))
    .filter((file) => existsSync(file));
  manifests = await Promise.all(
    files.map(async (file) => {
      const mod = (await import(pathToFileURL(file).href)) as { service?: ServiceManifest; default?: { service?: ServiceManifest } };
      const manifest = mod.service ?? mod.default?.service;
      if (!manifest) throw new Error(`${file} exports no \`service\``);
      return manifest;
    }),
  );
});

const catchers = (state: string) => definition.States[state]?.Catch ?? [];
const catchTarget = (state: string, error: string) => catchers(state).find((c) => c.ErrorEquals.includes(error))?.Next;
/** The `{outcome, reason}` a Pass state sets as `$.final`. */
const finalOf = (state: string) => {
  const s = definition.States[state] as AslState;
  expect(s.Type).toBe('Pass');
  expect(s.ResultPath).toBe('$.final');
  expect(s.Next).toBe('ReleaseStock');
  return s.Parameters;
};

describe('the checkout definition', () => {
  it('is valid Amazon States Language', () => {
    const result = validator(definition, { checkPaths: true, checkArn: true });
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('is the file the manifest names', () => {
    expect(service.stateMachines.checkout.definition).toBe('src/checkout.asl.json');
    expect(checkoutDefinitionPath).toBe(join(__dirname, '..', service.stateMachines.checkout.definition));
  });

  it('runs ValidateOrder → ReserveStock → WaitForPayment → CommitStock → MarkPaid → success', () => {
    const path: string[] = [];
    for (let name: string | undefined = definition.StartAt; name; name = definition.States[name]?.Next) path.push(name);
    expect(path).toEqual(['ValidateOrder', 'ReserveStock', 'WaitForPayment', 'CommitStock', 'MarkPaid', 'CheckoutCompleted']);
    expect(definition.States['CheckoutCompleted']?.Type).toBe('Succeed');
  });

  it('gives every Task a Catch, with States.ALL last', () => {
    for (const [name, state] of taskStates(definition)) {
      expect(state.Catch?.length, name).toBeGreaterThan(0);
      expect(state.Catch?.at(-1)?.ErrorEquals, name).toEqual(['States.ALL']);
      for (const c of state.Catch ?? []) expect(c.ResultPath, `${name} keeps its input when it catches`).toMatch(/^\$\.\w+$/);
    }
  });

  it("never retries a task's contract errors: its first retrier matches them with MaxAttempts 0", () => {
    for (const [name, state] of taskStates(definition)) {
      expect(state.Retry?.[0]?.MaxAttempts, name).toBe(0);
      expect(state.Retry?.[0]?.ErrorEquals, name).toContain('InvalidRequest');
      // Every error a Catch branches on by name is an answer, not a fault: retrying cannot change it.
      const caught = (state.Catch ?? []).flatMap((c) => c.ErrorEquals).filter((e) => !e.startsWith('States.'));
      for (const error of caught) expect(state.Retry?.[0]?.ErrorEquals, `${name} retries ${error}`).toContain(error);
    }
  });

  it('retries Lambda service errors, then any other task failure (a timeout, a crashed runtime, an unexpected error), with jittered backoff', () => {
    for (const [name, state] of taskStates(definition)) {
      expect(state.Retry?.[1], name).toEqual({ ErrorEquals: TRANSIENT, IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3, JitterStrategy: 'FULL' });
      expect(state.Retry?.[2], name).toEqual({
        ErrorEquals: ['States.TaskFailed'],
        IntervalSeconds: 2,
        BackoffRate: 2,
        MaxAttempts: 3,
        MaxDelaySeconds: 10,
        JitterStrategy: 'FULL',
      });
      expect(state.Retry, name).toHaveLength(3);
    }
  });

  it('waits for the payment with a task token, for the payment window', () => {
    const wait = definition.States['WaitForPayment'] as AslState;
    expect(wait.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(wait.Parameters).toEqual({
      FunctionName: '${order-service/await-payment}',
      Payload: { 'orderId.$': '$.orderId', 'taskToken.$': '$$.Task.Token', 'paymentWindowSeconds.$': '$.paymentWindowSeconds', 'correlationId.$': '$.correlationId' },
    });
    expect(wait.TimeoutSecondsPath).toBe('$.paymentWindowSeconds');
  });

  it('reserves the lines that ValidateOrder handed on', () => {
    expect(definition.States['ValidateOrder']?.ResultPath).toBe('$.validation');
    expect(definition.States['ReserveStock']?.Parameters).toEqual({ 'orderId.$': '$.orderId', 'lines.$': '$.validation.lines', 'correlationId.$': '$.correlationId' });
  });

  it('ends a checkout out of stock CANCELLED "out of stock", from ValidateOrder or ReserveStock', () => {
    expect(catchTarget('ValidateOrder', 'OutOfStock')).toBe('OutOfStock');
    expect(catchTarget('ReserveStock', 'OutOfStock')).toBe('OutOfStock');
    expect(finalOf('OutOfStock')).toEqual({ outcome: 'CANCELLED', reason: 'out of stock' });
  });

  it('ends a declined payment PAYMENT_FAILED with the decline cause as its reason', () => {
    expect(catchTarget('WaitForPayment', 'PaymentDeclined')).toBe('PaymentDeclined');
    expect(finalOf('PaymentDeclinedWithReason')).toEqual({ outcome: 'PAYMENT_FAILED', 'reason.$': '$.error.Cause' });
    expect(finalOf('PaymentDeclinedWithoutReason')).toEqual({ outcome: 'PAYMENT_FAILED', reason: 'payment declined' });
  });

  it('ends an expired payment window PAYMENT_FAILED "payment window expired"', () => {
    expect(catchTarget('WaitForPayment', 'States.Timeout')).toBe('PaymentWindowExpired');
    expect(finalOf('PaymentWindowExpired')).toEqual({ outcome: 'PAYMENT_FAILED', reason: 'payment window expired' });
  });

  it("ends a customer's cancel CANCELLED \"cancelled by customer\"", () => {
    expect(catchTarget('WaitForPayment', 'OrderCancelled')).toBe('CancelledByCustomer');
    expect(catchTarget('ValidateOrder', 'OrderCancelled')).toBe('CancelledByCustomer');
    expect(finalOf('CancelledByCustomer')).toEqual({ outcome: 'CANCELLED', reason: 'cancelled by customer' });
  });

  it('cancels on any other failure before the payment, naming the error', () => {
    for (const name of ['ValidateOrder', 'ReserveStock', 'WaitForPayment']) expect(catchTarget(name, 'States.ALL'), name).toBe('CheckoutFailed');
    expect(finalOf('CheckoutFailed')).toEqual({ outcome: 'CANCELLED', 'reason.$': "States.Format('checkout failed: {}', $.error.Error)" });
  });

  it('releases the stock before ending the order, in one Finalize task', () => {
    expect(definition.States['ReleaseStock']?.Next).toBe('Finalize');
    expect(catchTarget('ReleaseStock', 'States.ALL')).toBe('Finalize');
    expect(definition.States['Finalize']?.Parameters).toEqual({
      'orderId.$': '$.orderId',
      'outcome.$': '$.final.outcome',
      'reason.$': '$.final.reason',
      'correlationId.$': '$.correlationId',
    });
    const finalizers = taskStates(definition).filter(([, s]) => taskFunctionRef(s) === 'order-service/finalize-order').map(([n]) => n);
    expect(finalizers.sort()).toEqual(['Finalize', 'MarkPaid']);
  });

  it('never cancels once the payment succeeded: a failing CommitStock or MarkPaid stops for an operator', () => {
    expect(catchTarget('CommitStock', 'States.ALL')).toBe('PaidButNotCompleted');
    expect(catchTarget('MarkPaid', 'States.ALL')).toBe('PaidButNotCompleted');
    expect(definition.States['PaidButNotCompleted']?.Type).toBe('Fail');
  });

  it('ends at MarkPaid: the customer hears of the paid order from its OrderPaid event, which no checkout failure can hold back', () => {
    expect(definition.States['MarkPaid']?.Next).toBe('CheckoutCompleted');
    expect(functionRefs(definition).filter((ref) => ref.startsWith('notification-service/'))).toEqual([]);
  });

  it('names, in its placeholders, only functions that exist in the manifests', () => {
    const known = new Set(manifests.flatMap((m) => Object.keys(m.functions).map((fn) => `${m.name}/${fn}`)));
    const refs = functionRefs(definition);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((ref) => !known.has(ref))).toEqual([]);
    for (const [name, state] of taskStates(definition)) expect(taskFunctionRef(state), `${name} names its function with a placeholder`).toBeDefined();
  });

  it("has exactly the Task states that the manifests' state-machine-task triggers name, each run by the function that claims it", () => {
    const claimed = manifests.flatMap((m) =>
      Object.entries(m.functions).flatMap(([fn, def]) =>
        def.triggers.flatMap((t) => (t.type === 'state-machine-task' && t.stateMachine === CHECKOUT ? t.states.map((state) => ({ state, ref: `${m.name}/${fn}` })) : [])),
      ),
    );
    const tasks = taskStates(definition);
    const inDefinition = new Set(tasks.map(([name]) => name));
    const claimsOfMissingStates = claimed.filter((c) => !inDefinition.has(c.state)).map((c) => `${c.ref} claims ${c.state}`);
    expect(claimsOfMissingStates, 'states a manifest claims but the definition does not have').toEqual([]);
    for (const [name, state] of tasks) {
      const claims = claimed.filter((c) => c.state === name).map((c) => c.ref);
      expect(claims, `the functions that claim ${name}`).toEqual([taskFunctionRef(state)]);
    }
  });
});
