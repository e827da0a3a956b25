import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AsyncInvocation } from '../lambda-api';
import type { ErrorPayload, LambdaRuntime } from '../lambda-runtime';
import { asyncFailureRecord } from './destination-record';

/**
 * Lambda's handling of an asynchronous invocation (`InvocationType: Event`, and what
 * EventBridge, SNS and the scheduler send): the caller already has its 202; the function runs
 * now; a function error (a thrown error, a timeout, a crash) is retried up to
 * `maximumRetryAttempts` times, about 1 and then 2 minutes apart, with the same request id;
 * when every attempt failed, an invocation record goes to the on-failure destination.
 *
 * Left out, on purpose: the event queue's throttling and system-error retries (up to 6 hours),
 * `MaximumEventAgeInSeconds`, the on-success destination, and destinations other than SQS.
 */

export interface AsyncInvokeConfig {
  /** 0–2, as Lambda's `PutFunctionEventInvokeConfig` accepts; 2 when a function has no config. */
  maximumRetryAttempts: number;
  onFailure?: { queueUrl: string; queueArn: string };
}

export interface AsyncAttempt {
  functionName: string;
  requestId: string;
  /** 1 for the first run, 2 for the first retry, ... */
  attempt: number;
  ok: boolean;
  error?: ErrorPayload;
}

export interface AsyncInvocationsOptions {
  runtime: LambdaRuntime;
  sqs: SQSClient;
  /** A function's settings; undefined: Lambda's defaults (2 retries) and no destination. */
  config: (functionName: string) => AsyncInvokeConfig | undefined;
  /** Wait before each retry; the last one repeats. AWS's [60 s, 120 s] by default; tests pass a shorter one. */
  retryDelaysMs?: readonly number[];
  region: string;
  /** Where failures are reported; standard error by default, so that a lost event is never silent. */
  log?: (line: string) => void;
  /** Called after every attempt (for tracing). */
  onAttempt?: (info: AsyncAttempt) => void;
}

type AttemptOutcome = { ok: true } | { ok: false; error: ErrorPayload };

export const AWS_RETRY_DELAYS_MS: readonly number[] = [60_000, 120_000];
const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 2;
/** How long stop() waits for the attempts already running. */
const STOP_GRACE_MS = 500;

export class AsyncInvocations {
  private readonly pending = new Set<Promise<void>>();
  private readonly aborter = new AbortController();
  private readonly log: (line: string) => void;
  private readonly retryDelaysMs: readonly number[];

  constructor(private readonly options: AsyncInvocationsOptions) {
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.retryDelaysMs = options.retryDelaysMs ?? AWS_RETRY_DELAYS_MS;
  }

  /** An `AsyncInvoker` for lambda-api.ts: runs the event in the background and answers nothing. */
  invoke(invocation: AsyncInvocation): void {
    if (this.aborter.signal.aborted) {
      this.log(`async invoke of ${described(invocation)}: not run, asynchronous invocations are stopped; the event is lost`);
      return;
    }
    const run = this.run(invocation)
      .catch((error: Error) => this.log(`async invoke of ${described(invocation)}: ${error.message}`))
      .finally(() => this.pending.delete(run));
    this.pending.add(run);
  }

  /** Resolves once no invocation is running or waiting for a retry. */
  async idle(): Promise<void> {
    // An invocation can start another (a function that invokes asynchronously): wait for those too.
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  /**
   * Cancels the retries that wait, so the process can exit; attempts already running get
   * `graceMs` to finish (a failure then is logged, not retried). What still runs after that is
   * named and left to the Lambda runtime, which stops next and ends it: Ctrl-C must not wait on a
   * cold start.
   */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.aborter.abort();
    const idle = this.idle().then(() => true);
    if (await Promise.race([idle, sleep(graceMs).then(() => false)])) return;
    this.log(`async invoke: ${this.pending.size} invocation(s) still running after ${graceMs} ms are ended with the Lambda runtime; their events are lost`);
  }

  private async run(invocation: AsyncInvocation): Promise<void> {
    const config = this.options.config(invocation.functionName);
    const maximumRetryAttempts = clampRetries(config?.maximumRetryAttempts ?? DEFAULT_MAXIMUM_RETRY_ATTEMPTS);
    for (let attempt = 1; ; attempt++) {
      const result = await this.attempt(invocation);
      this.options.onAttempt?.({
        functionName: invocation.functionName,
        requestId: invocation.requestId,
        attempt,
        ok: result.ok,
        ...(!result.ok && { error: result.error }),
      });
      if (result.ok) return;

      const failure = `${result.error.errorType}: ${result.error.errorMessage}`;
      if (attempt > maximumRetryAttempts) return this.exhausted(invocation, attempt, result.error, config);
      if (this.aborter.signal.aborted) {
        this.log(`async invoke of ${described(invocation)} failed (${failure}); not retried, asynchronous invocations are stopped; the event is lost`);
        return;
      }
      const delayMs = this.retryDelaysMs[Math.min(attempt, this.retryDelaysMs.length) - 1] ?? 0;
      this.log(`async invoke of ${described(invocation)} failed (${failure}); retry ${attempt} of ${maximumRetryAttempts} in ${delayMs} ms`);
      try {
        await sleep(delayMs, undefined, { signal: this.aborter.signal });
      } catch {
        this.log(`async invoke of ${described(invocation)}: retry ${attempt} cancelled, asynchronous invocations are stopped; the event is lost`);
        return;
      }
    }
  }

  /** Every attempt ran with the caller's request id: Lambda keeps one request id across the retries of an event. */
  private async attempt(invocation: AsyncInvocation): Promise<AttemptOutcome> {
    try {
      return await this.options.runtime.invoke(invocation.functionName, invocation.event, {
        requestId: invocation.requestId,
        ...(invocation.origin && { origin: invocation.origin }),
      });
    } catch (error) {
      // Not a function error (no such function, the runtime is stopping), but the event did not run either.
      const { name, message } = error as Error;
      return { ok: false, error: { errorType: name, errorMessage: message } };
    }
  }

  private async exhausted(invocation: AsyncInvocation, attempts: number, error: ErrorPayload, config: AsyncInvokeConfig | undefined): Promise<void> {
    const failure = `${error.errorType}: ${error.errorMessage}`;
    const destination = config?.onFailure;
    if (!destination) {
      this.log(
        `async invoke of ${described(invocation)} failed ${attempts} time(s) (${failure}); no on-failure destination, the event is dropped: ${JSON.stringify(invocation.event)}`,
      );
      return;
    }
    const record = asyncFailureRecord({ ...invocation, attempts, error, region: this.options.region });
    const body = JSON.stringify(record);
    try {
      await this.options.sqs.send(new SendMessageCommand({ QueueUrl: destination.queueUrl, MessageBody: body }));
      this.log(`async invoke of ${described(invocation)} failed ${attempts} time(s) (${failure}); invocation record sent to ${destination.queueArn}`);
    } catch (sendError) {
      // The record is the only trace of the event: print it whole, so that it can be replayed by hand.
      this.log(
        `ASYNC INVOKE FAILURE NOT DELIVERED: sending the invocation record of ${described(invocation)} to ${destination.queueArn} failed (${(sendError as Error).message}); record: ${body}`,
      );
    }
  }
}

/** Lambda accepts 0–2; anything else would be refused there, so it is held to that range here. */
function clampRetries(value: number): number {
  if (!Number.isFinite(value)) return DEFAULT_MAXIMUM_RETRY_ATTEMPTS;
  return Math.min(2, Math.max(0, Math.trunc(value)));
}

function described(invocation: AsyncInvocation): string {
  return `${invocation.functionName} (request ${invocation.requestId})`;
}
