import { readFileSync } from 'node:fs';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaRuntime } from '../src/lambda-runtime';
import type { ListeningServer } from '../src/http-server';
import { LOCAL_AWS } from '../src/local-aws';
import { localConsole } from '../src/local-console';
import { Outbox } from '../src/outbox';
import { DeliveryTrace } from '../src/trace';
import type { LocalEventBus } from '../src/eventbridge/event-bus';
import { FaultInjector } from '../src/faults';
import { DefinitionError, prepareDefinition } from '../src/step-functions/prepare-definition';
import { startStepFunctionsApi } from '../src/step-functions/sfn-api';
import { StepFunctions } from '../src/step-functions/step-functions';
import { Fixtures, logCollector, sleep } from './lambda-fixtures';

/**
 * Step Functions on its own: fixture functions in the Lambda runtime, small ASL definitions,
 * and the SDK's SFNClient, unmodified, against the HTTP shim.
 */

const fixtures = new Fixtures();
const logs = logCollector();
const runtime = new LambdaRuntime({ onLog: logs.onLog });
const stepFunctions = new StepFunctions({ runtime });
const faults = new FaultInjector();
let api: ListeningServer;
let sfn: SFNClient;

/** Fails with `event.fail` as its errorType, or with `Flaky` for the first `event.flaky` calls per key. */
const VALIDATE = `
  const attempts = new Map();
  exports.handler = async (event) => {
    const attempt = (attempts.get(event.key) ?? 0) + 1;
    attempts.set(event.key, attempt);
    const fail = (name, message) => { const e = new Error(message); e.name = name; throw e; };
    if (event.fail) fail(event.fail, 'not enough ' + event.key);
    if (attempt <= (event.flaky ?? 0)) fail('Flaky', 'attempt ' + attempt);
    return { ...event, validated: true, attempts: attempt };
  };
`;
/** Hands its task token to the test through a file; throws OrderCancelled when asked to. */
const AWAIT_PAYMENT = `
  const fs = require('fs');
  exports.handler = async (event) => {
    fs.writeFileSync(event.tokenFile, event.taskToken);
    if (event.cancelled) { const e = new Error('order ' + event.orderId + ' was cancelled'); e.name = 'OrderCancelled'; throw e; }
    return { stored: true };
  };
`;
const FINALIZE = `exports.handler = async (event) => ({ finalized: event.orderId, outcome: event.outcome ?? 'PAID' });`;

const FUNCTIONS: Record<string, string> = {
  'shop-test-validate': VALIDATE,
  'shop-test-await-payment': AWAIT_PAYMENT,
  'shop-test-finalize': FINALIZE,
};
const resolveFunction = (ref: string): string | undefined => {
  const name = `shop-test-${ref.split('/')[1]}`;
  return name in FUNCTIONS ? name : undefined;
};

/** Validate (retried while Flaky, OutOfStock caught) → wait for payment (token) → finalize. */
const CHECKOUT = {
  StartAt: 'ValidateOrder',
  States: {
    ValidateOrder: {
      Type: 'Task',
      Resource: '${test-service/validate}',
      Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 }],
      Catch: [{ ErrorEquals: ['OutOfStock'], ResultPath: '$.error', Next: 'Cancelled' }],
      Next: 'HasWindow',
    },
    HasWindow: {
      Type: 'Choice',
      Choices: [{ Variable: '$.windowSeconds', IsPresent: true, Next: 'WaitForPayment' }],
      Default: 'Finalize',
    },
    WaitForPayment: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: '${test-service/await-payment}',
        Payload: {
          'orderId.$': '$.orderId',
          'taskToken.$': '$$.Task.Token',
          'tokenFile.$': '$.tokenFile',
          'cancelled.$': '$.cancelled',
        },
      },
      TimeoutSecondsPath: '$.windowSeconds',
      ResultPath: '$.payment',
      Catch: [
        { ErrorEquals: ['States.TaskFailed'], ResultPath: '$.error', Next: 'PaymentFailed' },
        { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'PaymentTimedOut' },
      ],
      Next: 'Finalize',
    },
    Finalize: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: '${test-service/finalize}', 'Payload.$': '$' },
      ResultSelector: { 'result.$': '$.Payload' },
      ResultPath: '$.finalize',
      End: true,
    },
    Cancelled: { Type: 'Pass', Result: 'CANCELLED', ResultPath: '$.outcome', End: true },
    PaymentFailed: { Type: 'Pass', Result: 'PAYMENT_FAILED', ResultPath: '$.outcome', End: true },
    PaymentTimedOut: { Type: 'Pass', Result: 'TIMED_OUT', ResultPath: '$.outcome', End: true },
  },
};
/** One Task with no Catch: its error is the execution's. */
const VALIDATE_ONLY = { StartAt: 'Validate', States: { Validate: { Type: 'Task', Resource: '${test-service/validate}', End: true } } };
/** Waits longer than the machine may run. */
const TOO_SLOW = { TimeoutSeconds: 1, StartAt: 'Linger', States: { Linger: { Type: 'Wait', Seconds: 30, End: true } } };

let checkoutArn: string;
let validateOnlyArn: string;
let tooSlowArn: string;

beforeAll(async () => {
  for (const [name, source] of Object.entries(FUNCTIONS)) runtime.register(fixtures.fn(name, source));
  checkoutArn = stepFunctions.addStateMachine({
    name: 'shop-test-checkout',
    prepared: prepareDefinition(CHECKOUT, 'checkout.asl.json', resolveFunction),
  });
  validateOnlyArn = stepFunctions.addStateMachine({
    name: 'shop-test-validate-only',
    prepared: prepareDefinition(VALIDATE_ONLY, 'validate-only.asl.json', resolveFunction),
  });
  tooSlowArn = stepFunctions.addStateMachine({ name: 'shop-test-too-slow', prepared: prepareDefinition(TOO_SLOW, 'too-slow.asl.json', resolveFunction) });
  api = await startStepFunctionsApi(stepFunctions, { port: 0, faults });
  sfn = new SFNClient({ ...LOCAL_AWS, endpoint: api.url, maxAttempts: 1 });
});

afterAll(async () => {
  sfn.destroy();
  await api.close();
  await stepFunctions.stop();
  await runtime.stop();
  fixtures.cleanup();
});

let orders = 0;
function order(extra: Record<string, unknown> = {}): Record<string, unknown> {
  orders += 1;
  return { orderId: `o-${orders}`, key: `k-${orders}`, tokenFile: fixtures.write(`token-${orders}.txt`, ''), cancelled: false, ...extra };
}

async function start(input: Record<string, unknown>, stateMachineArn = checkoutArn, name?: string): Promise<string> {
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), ...(name && { name }) }));
  return started.executionArn ?? '';
}

async function finished(executionArn: string): Promise<DescribeExecutionCommandOutput & { result: Record<string, unknown> }> {
  await stepFunctions.waitForExecution(executionArn, 20_000);
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  return { ...described, result: described.output ? (JSON.parse(described.output) as Record<string, unknown>) : {} };
}

/** The token the await-payment fixture wrote, once it has. */
async function tokenOf(input: Record<string, unknown>): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const token = readFileSync(String(input['tokenFile']), 'utf8');
    if (token) return token;
    await sleep(25);
  }
  throw new Error('no task token was handed out');
}

describe('Step Functions', () => {
  it('runs Lambda tasks to success: a plain Resource and lambda:invoke with its Payload', async () => {
    const input = order();
    const executionArn = await start(input);
    expect(executionArn).toBe(`arn:aws:states:us-east-1:000000000000:execution:shop-test-checkout:${executionArn.split(':').pop()}`);
    const done = await finished(executionArn);

    expect(done.status).toBe('SUCCEEDED');
    expect(done.startDate).toBeInstanceOf(Date);
    expect(done.stopDate!.getTime()).toBeGreaterThanOrEqual(done.startDate!.getTime());
    expect(JSON.parse(done.input ?? '')).toEqual(input);
    expect(done.result).toMatchObject({ ...input, validated: true, attempts: 1, finalize: { result: { finalized: input['orderId'], outcome: 'PAID' } } });
  });

  it('retries a task by its errorType, then succeeds', async () => {
    const done = await finished(await start(order({ flaky: 2 })));
    expect(done.status).toBe('SUCCEEDED');
    expect(done.result).toMatchObject({ validated: true, attempts: 3 });
  });

  it("catches a function's custom errorType, with the Lambda error payload as the cause", async () => {
    const done = await finished(await start(order({ fail: 'OutOfStock' })));
    expect(done.status).toBe('SUCCEEDED');
    expect(done.result['outcome']).toBe('CANCELLED');
    const error = done.result['error'] as { Error: string; Cause: string };
    expect(error.Error).toBe('OutOfStock');
    expect(JSON.parse(error.Cause)).toMatchObject({ errorType: 'OutOfStock', errorMessage: expect.stringMatching(/^not enough k-/) });
  });

  it("fails the execution with the function's errorType when nothing catches it", async () => {
    const done = await finished(await start(order({ fail: 'OutOfStock' }), validateOnlyArn));
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('OutOfStock');
    expect(JSON.parse(done.cause ?? '')).toMatchObject({ errorType: 'OutOfStock' });
    expect(done.output).toBeUndefined();
  });

  describe('.waitForTaskToken', () => {
    it('passes $$.Task.Token to the function and resumes with the output of SendTaskSuccess', async () => {
      const input = order({ windowSeconds: 30 });
      const executionArn = await start(input);
      const token = await tokenOf(input);
      expect(token.length).toBeGreaterThan(100);
      expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');

      await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ chargeId: 'ch_1' }) }));
      const done = await finished(executionArn);
      expect(done.status).toBe('SUCCEEDED');
      expect(done.result).toMatchObject({ payment: { chargeId: 'ch_1' }, finalize: { result: { outcome: 'PAID' } } });

      // The task is over: a late or repeated callback is told so, as on AWS.
      const again = await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })).catch((e: unknown) => e);
      expect(again).toBeInstanceOf(TaskTimedOut);
    });

    it('fails the task with the error of SendTaskFailure, which Catch matches', async () => {
      const input = order({ windowSeconds: 30 });
      const executionArn = await start(input);
      await sfn.send(new SendTaskFailureCommand({ taskToken: await tokenOf(input), error: 'PaymentDeclined', cause: 'card declined' }));
      const done = await finished(executionArn);
      expect(done.result).toMatchObject({ outcome: 'PAYMENT_FAILED', error: { Error: 'PaymentDeclined', Cause: 'card declined' } });
    });

    it('fails the task with States.Timeout when no callback comes within TimeoutSecondsPath', async () => {
      const input = order({ windowSeconds: 1 });
      const executionArn = await start(input);
      const token = await tokenOf(input);
      const done = await finished(executionArn);
      // States.TaskFailed (the first catcher) does not match a timeout; States.Timeout does.
      expect(done.result).toMatchObject({ outcome: 'TIMED_OUT', error: { Error: 'States.Timeout' } });
      const late = await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })).catch((e: unknown) => e);
      expect(late).toBeInstanceOf(TaskTimedOut);
    });

    it("fails the task with the function's own error when the invoke fails", async () => {
      const done = await finished(await start(order({ windowSeconds: 30, cancelled: true })));
      expect(done.result).toMatchObject({ outcome: 'PAYMENT_FAILED', error: { Error: 'OrderCancelled' } });
    });

    it('answers TaskDoesNotExist for a token it never issued', async () => {
      const error = await sfn.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskDoesNotExist);
      expect((error as TaskDoesNotExist).$metadata.httpStatusCode).toBe(400);
    });
  });

  it('fails StartExecution with a 500 and starts nothing while an execution-start-fail fault is armed', async () => {
    const input = order();
    faults.add({ kind: 'execution-start-fail', count: 2 });
    const attempt = () => sfn.send(new StartExecutionCommand({ stateMachineArn: validateOnlyArn, name: String(input['orderId']), input: JSON.stringify(input) }));

    for (let i = 0; i < 2; i++) await expect(attempt()).rejects.toMatchObject({ name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });
    expect(stepFunctions.listExecutions(validateOnlyArn).filter((e) => e.name === input['orderId'])).toEqual([]);

    // Spent: the next call starts the execution.
    const started = await attempt();
    expect(started.executionArn).toContain(String(input['orderId']));
    await finished(started.executionArn ?? '');
  });

  it('StartExecution by name is idempotent while the execution runs with the same input', async () => {
    const input = order({ windowSeconds: 30 });
    const name = String(input['orderId']);
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: checkoutArn, name, input: JSON.stringify(input) }));
    const again = await sfn.send(new StartExecutionCommand({ stateMachineArn: checkoutArn, name, input: JSON.stringify(input) }));
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate).toEqual(first.startDate);

    const otherInput = sfn.send(new StartExecutionCommand({ stateMachineArn: checkoutArn, name, input: JSON.stringify({ ...input, x: 1 }) }));
    await expect(otherInput).rejects.toBeInstanceOf(ExecutionAlreadyExists);

    await sfn.send(new SendTaskSuccessCommand({ taskToken: await tokenOf(input), output: '{}' }));
    await finished(first.executionArn ?? '');
    // A closed execution keeps its name: AWS refuses it whatever the input.
    const afterEnd = sfn.send(new StartExecutionCommand({ stateMachineArn: checkoutArn, name, input: JSON.stringify(input) }));
    await expect(afterEnd).rejects.toBeInstanceOf(ExecutionAlreadyExists);

    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: checkoutArn }));
    expect(listed.executions?.filter((e) => e.name === name)).toHaveLength(1);
  });

  it('lists executions newest first', async () => {
    const names = ['list-a', 'list-b', 'list-c'];
    for (const name of names) {
      await start(order(), validateOnlyArn, name);
      await sleep(5);
    }
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: validateOnlyArn, maxResults: 2 }));
    expect(listed.executions?.map((e) => e.name)).toEqual(['list-c', 'list-b']);
    expect(listed.nextToken).toBeDefined();
    const rest = await sfn.send(new ListExecutionsCommand({ stateMachineArn: validateOnlyArn, nextToken: listed.nextToken }));
    expect(rest.executions?.map((e) => e.name)).toContain('list-a');
  });

  it('times out an execution that runs past the machine\'s TimeoutSeconds', async () => {
    const done = await finished(await start({}, tooSlowArn));
    expect(done).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
  });

  it('aborts an execution with StopExecution, and its task token with it', async () => {
    const input = order({ windowSeconds: 30 });
    const executionArn = await start(input);
    const token = await tokenOf(input);
    await sfn.send(new StopExecutionCommand({ executionArn, error: 'Admin', cause: 'stopped by hand' }));
    expect(await finished(executionArn)).toMatchObject({ status: 'ABORTED', error: 'Admin', cause: 'stopped by hand' });
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('answers ExecutionDoesNotExist for an unknown execution', async () => {
    const executionArn = 'arn:aws:states:us-east-1:000000000000:execution:shop-test-checkout:nope';
    await expect(sfn.send(new DescribeExecutionCommand({ executionArn }))).rejects.toBeInstanceOf(ExecutionDoesNotExist);
  });
});

describe('the execution history (GET /_local/executions)', () => {
  const page = localConsole({ outbox: new Outbox(), trace: new DeliveryTrace(), bus: {} as LocalEventBus, scheduler: () => undefined, paymentProvider: () => undefined, stepFunctions });
  const get = (query: string) => page({ method: 'GET', path: '/_local/executions', query: new URLSearchParams(query) });
  type Answer = { execution: { name: string; status: string; input: unknown; output?: unknown }; path: string[]; events: { id: number; previousEventId: number; type: string; stateName?: string; input?: unknown; output?: unknown; error?: string; cause?: string; retryAttempt?: number; timestamp: string }[] };

  it('answers the states an execution went through, each entered and exited with its input and output, as the console shows them', async () => {
    const input = order();
    await finished(await start(input, checkoutArn, `history-${input['orderId']}`));
    const answer = await get(`orderId=${input['orderId']}`);
    expect(answer?.status).toBe(200);
    const { execution, path, events } = answer?.body as Answer;

    expect(execution).toMatchObject({ name: `history-${input['orderId']}`, status: 'SUCCEEDED', input });
    expect(path).toEqual(['ValidateOrder', 'HasWindow', 'Finalize']);
    expect(events.map((e) => [e.type, e.stateName])).toEqual([
      ['ExecutionStarted', undefined],
      ['TaskStateEntered', 'ValidateOrder'],
      ['TaskStateExited', 'ValidateOrder'],
      ['ChoiceStateEntered', 'HasWindow'],
      ['ChoiceStateExited', 'HasWindow'],
      ['TaskStateEntered', 'Finalize'],
      ['TaskStateExited', 'Finalize'],
      ['ExecutionSucceeded', undefined],
    ]);
    expect(events.map((e) => [e.id, e.previousEventId])).toEqual(events.map((_, i) => [i + 1, i]));
    expect(events[0]?.input).toEqual(input);
    expect(events[2]?.output).toMatchObject({ validated: true });
    expect(events.at(-1)?.output).toEqual(execution.output);
    for (const event of events) expect(Date.parse(event.timestamp)).not.toBeNaN();
  });

  it('shows a retried task failing, retried, then going on, and a caught error leading to its state', async () => {
    const flaky = order({ flaky: 1 });
    await finished(await start(flaky));
    const retried = (await get(`orderId=${flaky['orderId']}`))?.body as Answer;
    expect(retried.events.filter((e) => e.stateName === 'ValidateOrder').map((e) => [e.type, e.error ?? e.retryAttempt ?? null])).toEqual([
      ['TaskStateEntered', null],
      ['TaskFailed', 'Flaky'],
      ['StateRetried', 1],
      ['TaskStateExited', null],
    ]);

    const outOfStock = order({ fail: 'OutOfStock' });
    await finished(await start(outOfStock));
    const caught = (await get(`orderId=${outOfStock['orderId']}`))?.body as Answer;
    expect(caught.path).toEqual(['ValidateOrder', 'Cancelled']);
    const failure = caught.events.find((e) => e.type === 'TaskFailed');
    expect(failure).toMatchObject({ stateName: 'ValidateOrder', error: 'OutOfStock' });
    expect(JSON.parse(failure?.cause ?? '')).toMatchObject({ errorType: 'OutOfStock' });
  });

  it('ends a failed execution with ExecutionFailed, its error and cause', async () => {
    const input = order({ fail: 'OutOfStock' });
    await finished(await start(input, validateOnlyArn));
    const { execution, events } = (await get(`orderId=${input['orderId']}`))?.body as Answer;
    expect(execution.status).toBe('FAILED');
    expect(events.at(-1)).toMatchObject({ type: 'ExecutionFailed', error: 'OutOfStock' });
  });

  it('finds an execution by its name too', async () => {
    const input = order();
    const name = `by-name-${input['orderId']}`;
    await finished(await start(input, checkoutArn, name));
    expect(((await get(`name=${name}`))?.body as Answer).execution.name).toBe(name);
  });

  it('answers 404 in the shop’s error shape when there is no such execution, and 400 naming the parameter when neither is given', async () => {
    expect(await get('orderId=no-such-order')).toEqual({
      status: 404,
      body: { error: { code: 'EXECUTION_NOT_FOUND', message: 'No execution for order no-such-order' } },
    });
    expect(await get('')).toEqual({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED', message: 'orderId: give orderId or name', details: [{ field: 'orderId', message: 'give orderId or name' }] } },
    });
  });
});

describe('preparing a definition', () => {
  it('refuses a definition that names a function no service declares', () => {
    const definition = { StartAt: 'A', States: { A: { Type: 'Task', Resource: '${test-service/nope}', End: true } } };
    expect(() => prepareDefinition(definition, 'x.asl.json', resolveFunction)).toThrow(DefinitionError);
    expect(() => prepareDefinition(definition, 'x.asl.json', resolveFunction)).toThrow(/A: names the function test-service\/nope/);
  });

  it('refuses service integrations the local cloud cannot run', () => {
    const definition = { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true } } };
    expect(() => prepareDefinition(definition, 'x.asl.json', resolveFunction)).toThrow(/not supported locally/);
  });

  it('substitutes function ARNs and leaves the original definition as it was', () => {
    const prepared = prepareDefinition(CHECKOUT, 'checkout.asl.json', resolveFunction);
    const states = prepared.definition.States as Record<string, { Resource?: string; Parameters?: { FunctionName?: string } }>;
    expect(states['ValidateOrder']?.Resource).toBe('arn:aws:lambda:us-east-1:000000000000:function:shop-test-validate');
    expect(states['Finalize']?.Parameters?.FunctionName).toBe('arn:aws:lambda:us-east-1:000000000000:function:shop-test-finalize');
    expect(CHECKOUT.States.ValidateOrder.Resource).toBe('${test-service/validate}');
    expect(prepared.tasks.get('WaitForPayment')).toEqual({ kind: 'lambda-invoke', waitForTaskToken: true, functionRef: 'test-service/await-payment' });
  });
});
