import { randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { transformSync } from 'esbuild';
import type { FaultInjector } from './faults';
import type { ErrorPayload, InvokeMessage, ResultMessage, WorkerData } from './lambda-worker';
import type { InvocationOrigin } from './trace';
import { currentTrace, formatTraceHeader, newSegmentId, newTraceId, type TraceParent } from './trace-context';

export type { ErrorPayload } from './lambda-worker';

export interface FunctionConfig {
  /** Physical function name, e.g. `shop-local-product-service-create-product`. */
  name: string;
  service: string;
  /** The function's name in its manifest, e.g. `create-product`. */
  functionName: string;
  /** Absolute path of the esbuild cjs bundle that exports `handler`. */
  bundlePath: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  /** Layer `node_modules` folders, resolvable from the bundle as Lambda's `/opt/nodejs/node_modules` is. */
  layerPaths?: string[];
}

export type InvokeResult =
  | { ok: true; payload: unknown; coldStart: boolean; durationMs: number; requestId: string }
  | { ok: false; error: ErrorPayload; coldStart: boolean; durationMs: number; requestId: string };

export interface RuntimeLogLine {
  functionName: string;
  requestId?: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

/** Where an invocation sits in its trace: the trace, its own segment, and the segment that called it. */
export interface InvocationSegment {
  traceId: string;
  id: string;
  parentId?: string;
}

/** One finished invocation, for tracing; `origin` is what the caller said carried it. */
export interface InvocationReport {
  functionName: string;
  requestId: string;
  origin?: InvocationOrigin;
  event: unknown;
  result: InvokeResult;
  segment: InvocationSegment;
}

export interface InvokeOptions {
  /** A caller that already answered with one (an `Event` invoke) keeps it. */
  requestId?: string;
  /** What carried the event, for the trace. */
  origin?: InvocationOrigin;
  /**
   * The trace this invocation continues; by default the one of the work that invokes it (see
   * trace-context.ts), and `null` starts a trace of its own (a stream batch, a schedule).
   */
  trace?: TraceParent | null;
}

export interface LambdaRuntimeOptions {
  /** Every line a function writes. Defaults to this process's stdout and stderr. */
  onLog?: (line: RuntimeLogLine) => void;
  /** Every invocation once it has an outcome. */
  onInvoke?: (report: InvocationReport) => void;
  /** How long an instance stays warm without work; 5 minutes by default. */
  idleTimeoutMs?: number;
  /** Faults to inject into invocations (`function-error`, `function-timeout`, `function-crash`), by `service/function`. */
  faults?: FaultInjector;
  /**
   * The most instances of one function at once; an invocation beyond waits for one to be free.
   * Lambda would run a thousand at once, each on its own machine; on two cores, twenty cold starts
   * of one function at once take longer than twenty warm invocations one after another, and time
   * their callers out. 4 by default.
   */
  maxInstancesPerFunction?: number;
}

/** An instance killed part-way through its handler (an injected timeout or crash). */
interface Kill {
  afterMs: number;
  error: ErrorPayload;
}

export class FunctionNotFoundError extends Error {
  constructor(readonly functionName: string) {
    super(`Function not found: ${functionName}`);
    this.name = 'FunctionNotFoundError';
  }
}

export const LOCAL_ACCOUNT_ID = '000000000000';
export const DEFAULT_REGION = 'us-east-1';

export function functionArn(name: string, region = DEFAULT_REGION): string {
  return `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${name}`;
}

/** A name, a partial ARN or a full ARN, each with an optional `:qualifier`. */
const FUNCTION_REFERENCE =
  /^(?:arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:|\d{12}:function:)?([A-Za-z0-9_-]{1,140})(?::([A-Za-z0-9_$-]+))?$/;

/** What Lambda accepts as `FunctionName`: `name`, `123456789012:function:name` or its ARN, each with an optional `:qualifier`. */
export function parseFunctionReference(reference: string): { name: string; qualifier?: string } | undefined {
  const match = FUNCTION_REFERENCE.exec(reference);
  if (!match?.[1]) return undefined;
  return { name: match[1], ...(match[2] && { qualifier: match[2] }) };
}

type Outcome = { ok: true; payload: unknown } | { ok: false; error: ErrorPayload };

/**
 * Runs Lambda functions on this machine the way Lambda does: each warm instance is a worker
 * thread with its own environment and module state, reused while idle, and a new one (a cold
 * start) is started when every instance of the function is busy.
 */
export class LambdaRuntime {
  private readonly registry = new Map<string, FunctionConfig>();
  /** Where each function's code was deployed to (see `register`). */
  private readonly deployed = new Map<string, { bundlePath: string; layerPaths: string[] }>();
  /** Each layer's copy, by the folder it was copied from: one copy serves every function. */
  private readonly deployedLayers = new Map<string, string>();
  private readonly pools = new Map<string, Set<Instance>>();
  private readonly onLog: (line: RuntimeLogLine) => void;
  private readonly onInvoke: ((report: InvocationReport) => void) | undefined;
  private readonly idleTimeoutMs: number;
  private readonly faults: FaultInjector | undefined;
  private readonly maxInstances: number;
  /** Invocations waiting for an instance of a function to be free, by function name. */
  private readonly waiting = new Map<string, (() => void)[]>();
  private taskRoot?: string;
  private stopped = false;

  constructor(options: LambdaRuntimeOptions = {}) {
    this.onLog = options.onLog ?? writeToProcessStdio;
    this.onInvoke = options.onInvoke;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 5 * 60_000;
    this.faults = options.faults;
    this.maxInstances = options.maxInstancesPerFunction ?? 4;
  }

  /**
   * Deploys a function: its bundle is copied into a task root of its own, as Lambda unpacks a
   * deployment package into /var/task, and its layers into a folder of their own, as Lambda
   * mounts them under /opt, both far from any node_modules. A module the code needs but neither
   * the bundle nor a layer holds is then not found, as on AWS; run from `dist/`, it would be
   * found in the repository's node_modules and the mistake would not show.
   * Registering a name again (a rebuilt bundle) retires its instances, so the next invoke loads the new code.
   */
  register(fn: FunctionConfig): void {
    this.registry.set(fn.name, { ...fn });
    this.deployed.set(fn.name, this.deploy(fn));
    for (const instance of this.pools.get(fn.name) ?? []) instance.retire();
  }

  has(name: string): boolean {
    return this.registry.has(name);
  }

  functions(): FunctionConfig[] {
    return [...this.registry.values()];
  }

  async invoke(name: string, event: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
    const fn = this.registry.get(name);
    if (!fn) throw new FunctionNotFoundError(name);
    if (this.stopped) throw new Error(`The Lambda runtime is stopped; cannot invoke ${name}`);

    const requestId = options.requestId ?? randomUUID();
    const parent = options.trace === undefined ? currentTrace() : (options.trace ?? undefined);
    const segment: InvocationSegment = { traceId: parent?.traceId ?? newTraceId(), id: newSegmentId(), ...(parent?.parentId && { parentId: parent.parentId }) };
    const injected = this.injectedFault(fn, requestId);
    if (injected?.kind === 'error') {
      const result: InvokeResult = { ok: false, error: injected.error, coldStart: false, durationMs: 0, requestId };
      this.onLog({ functionName: name, requestId, stream: 'stderr', line: `${new Date().toISOString()}\t${requestId}\tERROR\tInjected fault: ${injected.error.errorMessage}` });
      this.onInvoke?.({ functionName: name, requestId, ...(options.origin && { origin: options.origin }), event, result, segment });
      return result;
    }
    const pool = this.pool(name);
    let instance: Instance | undefined;
    let coldStart = false;
    for (;;) {
      instance = [...pool].find((candidate) => candidate.idle);
      if (instance) break;
      if (pool.size < this.maxInstances) {
        coldStart = true;
        instance = new Instance({ ...fn, ...this.deployed.get(name) }, this.idleTimeoutMs, this.onLog, {
          onIdle: () => this.wake(name),
          onGone: (gone) => {
            pool.delete(gone);
            this.wake(name);
          },
        });
        pool.add(instance);
        break;
      }
      await new Promise<void>((resolve) => this.waitingFor(name).push(resolve));
      if (this.stopped) throw new Error(`The Lambda runtime is stopped; cannot invoke ${name}`);
    }
    const started = performance.now();
    const traceHeader = formatTraceHeader(segment.traceId, segment.id);
    const outcome = await instance.run(requestId, event, traceHeader, injected?.kind === 'kill' ? injected.kill : undefined);
    const result: InvokeResult = { ...outcome, coldStart, durationMs: Math.round(performance.now() - started), requestId };
    this.onInvoke?.({ functionName: name, requestId, ...(options.origin && { origin: options.origin }), event, result, segment });
    return result;
  }

  /** The fault to inject into this invocation, if one is armed for the function. */
  private injectedFault(fn: FunctionConfig, requestId: string): { kind: 'error'; error: ErrorPayload } | { kind: 'kill'; kill: Kill } | undefined {
    if (!this.faults) return undefined;
    const target = `${fn.service}/${fn.functionName}`;
    const error = this.faults.take('function-error', target);
    if (error) return { kind: 'error', error: { errorType: 'InjectedFault', errorMessage: `fault injected into ${target} (the handler threw)`, trace: [] } };
    const timeout = this.faults.take('function-timeout', target);
    if (timeout) {
      const message = `Task timed out after ${((timeout.delayMs ?? 0) / 1000).toFixed(2)} seconds (fault injected)`;
      return { kind: 'kill', kill: { afterMs: timeout.delayMs ?? 0, error: { errorType: 'Sandbox.Timedout', errorMessage: message } } };
    }
    const crash = this.faults.take('function-crash', target);
    if (crash) {
      const message = `RequestId: ${requestId} Error: Runtime exited with error: signal: killed (fault injected)`;
      return { kind: 'kill', kill: { afterMs: crash.delayMs ?? 0, error: { errorType: 'Runtime.ExitError', errorMessage: message } } };
    }
    return undefined;
  }

  /** Terminates every instance; invocations still running end as `Runtime.ExitError`. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const queue of this.waiting.values()) for (const resolve of queue.splice(0)) resolve();
    const instances = [...this.pools.values()].flatMap((pool) => [...pool]);
    await Promise.all(instances.map((instance) => instance.terminate()));
    if (this.taskRoot) rmSync(this.taskRoot, { recursive: true, force: true });
  }

  /** The copies of the function's bundle and layers; a bundle that is not there stays where it is and fails at init. */
  private deploy(fn: FunctionConfig): { bundlePath: string; layerPaths: string[] } {
    const root = (this.taskRoot ??= mkdtempSync(path.join(tmpdir(), 'shop-lambda-')));
    const layerPaths = (fn.layerPaths ?? []).map((source) => {
      let copy = this.deployedLayers.get(source);
      if (!copy) {
        copy = path.join(root, 'opt', String(this.deployedLayers.size), 'node_modules');
        cpSync(source, copy, { recursive: true, dereference: true });
        this.deployedLayers.set(source, copy);
      }
      return copy;
    });
    if (!existsSync(fn.bundlePath)) return { bundlePath: fn.bundlePath, layerPaths };
    const dir = path.join(root, 'task', fn.name);
    mkdirSync(dir, { recursive: true });
    const bundlePath = path.join(dir, path.basename(fn.bundlePath));
    copyFileSync(fn.bundlePath, bundlePath);
    return { bundlePath, layerPaths };
  }

  private waitingFor(name: string): (() => void)[] {
    let queue = this.waiting.get(name);
    if (!queue) this.waiting.set(name, (queue = []));
    return queue;
  }

  /** An instance of the function is free (or gone, making room for a new one): the next waiting invocation may go. */
  private wake(name: string): void {
    this.waiting.get(name)?.shift()?.();
  }

  private pool(name: string): Set<Instance> {
    let pool = this.pools.get(name);
    if (!pool) this.pools.set(name, (pool = new Set()));
    return pool;
  }
}

/** Longest a cold start (worker start and module load) may take; Lambda allows 10 s, a busy laptop needs more. */
const INIT_TIMEOUT_MS = 60_000;

/** One warm Lambda instance: a worker thread that runs one invocation at a time. */
class Instance {
  private readonly worker: Worker;
  private current?: { requestId: string; started: () => void; settle: (outcome: Outcome) => void; kill?: Kill };
  /** Log lines are tagged with the request the instance ran last, also for lines written after it answered. */
  private lastRequestId?: string;
  private idleTimer?: NodeJS.Timeout;
  private gone = false;
  private retired = false;
  private terminating = false;
  private crashError?: Error;
  private readonly exited: Promise<void>;

  constructor(
    private readonly fn: FunctionConfig,
    private readonly idleTimeoutMs: number,
    private readonly onLog: (line: RuntimeLogLine) => void,
    private readonly events: { onIdle: () => void; onGone: (instance: Instance) => void },
  ) {
    const logStreamName = `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;
    const workerData: WorkerData = {
      bundlePath: fn.bundlePath,
      layerPaths: fn.layerPaths ?? [],
      functionName: fn.name,
      memoryMb: fn.memoryMb,
      invokedFunctionArn: functionArn(fn.name, fn.environment['AWS_REGION']),
      logGroupName: `/aws/lambda/${fn.name}`,
      logStreamName,
    };
    this.worker = new Worker(workerSource(), {
      eval: true,
      workerData,
      env: lambdaEnvironment(fn, logStreamName),
      // Not the parent's flags: a tsx or vitest loader must not leak into the function.
      execArgv: [],
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: fn.memoryMb },
    });
    // Stdio streams that are being read keep the event loop alive until the worker exits
    // whatever unref() says; idle instances end with the idle timeout or stop().
    this.worker.unref();
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    forEachLine(this.worker.stdout, (line) => this.log('stdout', line));
    forEachLine(this.worker.stderr, (line) => this.log('stderr', line));
    this.worker.on('message', (message: ResultMessage) => {
      if (message.requestId !== this.current?.requestId) return;
      if (message.type === 'started') {
        this.current.started();
        return;
      }
      // An injected timeout or crash that the handler outran: its work is done, its answer lost.
      if (this.current.kill) return this.killNow(this.current.kill);
      if (message.ok) this.finish({ ok: true, payload: JSON.parse(message.payload) });
      else this.finish({ ok: false, error: message.error });
      if (!message.ok && message.fatal) void this.terminate();
      else this.becomeIdle();
    });
    // An uncaught error (or running out of heap) is reported here, then the worker exits.
    this.worker.on('error', (error: unknown) => {
      this.crashError = error instanceof Error ? error : new Error(String(error));
    });
    this.worker.on('exit', (code) => this.onExit(code));
  }

  get idle(): boolean {
    return !this.current && !this.gone && !this.retired;
  }

  /** `kill`: end the instance this far into the handler (an injected timeout or crash), its work half done. */
  /** `traceHeader`: the invocation's `_X_AMZN_TRACE_ID`, its own segment as the parent of what it calls. */
  run(requestId: string, event: unknown, traceHeader: string, kill?: Kill): Promise<Outcome> {
    clearTimeout(this.idleTimer);
    this.worker.ref();
    this.lastRequestId = requestId;
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    const message: InvokeMessage = { type: 'invoke', requestId, payload: JSON.stringify(event) ?? 'null', timeoutMs, traceHeader };
    return new Promise<Outcome>((resolve) => {
      const timeOut = (errorMessage: string) => {
        this.log('stderr', `${new Date().toISOString()} ${requestId} ${errorMessage}`);
        this.finish({ ok: false, error: { errorType: 'Sandbox.Timedout', errorMessage } });
        void this.terminate();
      };
      // As on Lambda, init (starting the worker, loading the bundle) has a limit of its own and
      // the function's timeout runs from the handler call: on two busy cores a cold start can
      // take seconds, which must not eat a 10 s function timeout.
      let timer = setTimeout(() => timeOut(`Init timed out after ${INIT_TIMEOUT_MS / 1000} seconds`), INIT_TIMEOUT_MS);
      this.current = {
        requestId,
        started: () => {
          clearTimeout(timer);
          timer = kill
            ? setTimeout(() => this.killNow(kill), kill.afterMs)
            : setTimeout(() => timeOut(`Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds`), timeoutMs);
        },
        settle: (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        },
        ...(kill && { kill }),
      };
      this.worker.postMessage(message);
    });
  }

  /** Ends the running invocation with an injected timeout or crash, and the instance with it. */
  private killNow(kill: Kill): void {
    const requestId = this.current?.requestId ?? '-';
    this.log('stderr', `${new Date().toISOString()} ${requestId} ${kill.error.errorType}: ${kill.error.errorMessage}`);
    this.finish({ ok: false, error: kill.error });
    void this.terminate();
  }

  /** Finishes any running invocation, then the instance is not used again. */
  retire(): void {
    this.retired = true;
    if (!this.current) void this.terminate();
  }

  async terminate(): Promise<void> {
    this.terminating = true;
    this.discard();
    await this.worker.terminate();
    await this.exited;
  }

  private finish(outcome: Outcome): void {
    const current = this.current;
    this.current = undefined;
    this.worker.unref();
    current?.settle(outcome);
  }

  /** An exit we did not ask for is a crash: it fails the running invocation, as Lambda reports it. */
  private onExit(code: number): void {
    this.discard();
    if (this.terminating && !this.current) return;
    const requestId = this.current?.requestId;
    const crash = this.crashError as (Error & { code?: string }) | undefined;
    let error: ErrorPayload;
    if (crash?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      error = { errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: out of memory` };
    } else if (crash) {
      error = { errorType: crash.name, errorMessage: crash.message, trace: crash.stack?.split('\n') ?? [] };
    } else {
      const reason = this.terminating
        ? 'Runtime exited because the local Lambda runtime stopped'
        : code
          ? `Runtime exited with error: exit status ${code}`
          : 'Runtime exited without providing a reason';
      error = { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: ${reason}` };
    }
    this.log('stderr', `${new Date().toISOString()} ${requestId ?? '-'} ${error.errorType}: ${error.errorMessage}`);
    if (this.current) this.finish({ ok: false, error });
  }

  private becomeIdle(): void {
    if (this.retired) return void this.terminate();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.terminate(), this.idleTimeoutMs).unref();
    this.events.onIdle();
  }

  private discard(): void {
    clearTimeout(this.idleTimer);
    if (this.gone) return;
    this.gone = true;
    this.events.onGone(this);
  }

  private log(stream: RuntimeLogLine['stream'], line: string): void {
    const requestId = this.current?.requestId ?? this.lastRequestId;
    this.onLog({ functionName: this.fn.name, ...(requestId ? { requestId } : {}), stream, line });
  }
}

/**
 * A Lambda-like environment, not this process's: the function sees its own variables and
 * the ones Lambda sets, which it may not override.
 */
function lambdaEnvironment(fn: FunctionConfig, logStreamName: string): Record<string, string> {
  const region = fn.environment['AWS_REGION'] ?? DEFAULT_REGION;
  const inherited = Object.fromEntries(
    (['PATH', 'NODE_OPTIONS'] as const).flatMap((key) => (process.env[key] ? [[key, process.env[key]]] : [])),
  ) as Record<string, string>;
  return {
    ...inherited,
    ...fn.environment,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: fn.environment['AWS_DEFAULT_REGION'] ?? region,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
    LAMBDA_TASK_ROOT: path.dirname(fn.bundlePath),
    ...(fn.layerPaths?.length ? { NODE_PATH: fn.layerPaths.join(path.delimiter) } : {}),
  };
}

let workerCode: string | undefined;

/**
 * The worker bootstrap as JavaScript. It is written in TypeScript and this module may itself
 * run from source (tsx, vitest), so it is transpiled once here rather than loaded by path.
 */
function workerSource(): string {
  workerCode ??= transformSync(readFileSync(path.join(__dirname, 'lambda-worker.ts'), 'utf8'), {
    loader: 'ts',
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    sourcefile: 'lambda-worker.ts',
  }).code;
  return workerCode;
}

function forEachLine(stream: Readable, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) onLine(line.replace(/\r$/, ''));
  });
  stream.on('end', () => {
    if (rest) onLine(rest);
  });
}

/** Where function output goes when no one else takes it: this process's stdout and stderr. */
export function writeToProcessStdio({ stream, line }: RuntimeLogLine): void {
  (stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`);
}
