/**
 * The bootstrap of one warm Lambda instance, run inside a `worker_threads` Worker by
 * `LambdaRuntime`. It plays the part of Lambda's Node.js runtime: loads the bundle once,
 * then answers invocations one at a time with `handler(event, context)`.
 *
 * It is transpiled on its own (not bundled) and run with `eval`, so it may import node
 * built-ins only, and everything else in this file must be types.
 */
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

export interface WorkerData {
  bundlePath: string;
  layerPaths: string[];
  functionName: string;
  memoryMb: number;
  invokedFunctionArn: string;
  logGroupName: string;
  logStreamName: string;
}

export interface InvokeMessage {
  type: 'invoke';
  requestId: string;
  /** The event as JSON text: the handler gets its own copy, as it would over the wire. */
  payload: string;
  /** The function's timeout; it runs from the end of init, as on Lambda, not from dispatch. */
  timeoutMs: number;
  /** `Root=…;Parent=…;Sampled=1`: Lambda sets it as `_X_AMZN_TRACE_ID` for each invocation. */
  traceHeader: string;
}

/** Lambda's error payload (what `Invoke` returns with `X-Amz-Function-Error: Unhandled`). */
export interface ErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export type ResultMessage =
  /** Init is done and the handler is called now: the function's timeout starts here. */
  | { type: 'started'; requestId: string }
  | { type: 'result'; requestId: string; ok: true; payload: string }
  /** `fatal`: the instance cannot serve again (its init failed) and must be discarded. */
  | { type: 'result'; requestId: string; ok: false; error: ErrorPayload; fatal?: boolean };

type Handler = (event: unknown, context: object, callback: (error?: unknown, result?: unknown) => void) => unknown;

class InitError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

const data = workerData as WorkerData;
const port = parentPort;
if (!port) throw new Error('lambda-worker must run in a worker thread');

captureFileDescriptorWrites();

// Lambda mounts layers under /opt and lists them in NODE_PATH; the parent set NODE_PATH in our env.
if (data.layerPaths.length > 0) (Module as unknown as { _initPaths(): void })._initPaths();

let handler: Handler | undefined;

port.on('message', (message: InvokeMessage) => {
  void invoke(message).then((result) => port.postMessage(result));
});

async function invoke({ requestId, payload, timeoutMs, traceHeader }: InvokeMessage): Promise<ResultMessage> {
  // Set before init too, as Lambda's runtime does: the AWS SDK sends it on with every request.
  process.env['_X_AMZN_TRACE_ID'] = traceHeader;
  try {
    handler ??= loadHandler();
  } catch (error) {
    const failure = error instanceof InitError ? { errorType: error.errorType, errorMessage: error.message } : errorPayload(error);
    await logInvokeError(requestId, failure);
    return { type: 'result', requestId, ok: false, error: failure, fatal: true };
  }
  const deadlineMs = Date.now() + timeoutMs;
  port?.postMessage({ type: 'started', requestId } satisfies ResultMessage);
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: data.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: data.invokedFunctionArn,
    memoryLimitInMB: String(data.memoryMb),
    awsRequestId: requestId,
    logGroupName: data.logGroupName,
    logStreamName: data.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
  };
  try {
    const result = await callHandler(handler, JSON.parse(payload), context);
    const json = JSON.stringify(result) ?? 'null';
    await flushStdio();
    return { type: 'result', requestId, ok: true, payload: json };
  } catch (error) {
    const failure = errorPayload(error);
    await logInvokeError(requestId, failure);
    return { type: 'result', requestId, ok: false, error: failure };
  }
}

function loadHandler(): Handler {
  let exported: { handler?: unknown };
  try {
    exported = createRequire(data.bundlePath)(data.bundlePath) as { handler?: unknown };
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'MODULE_NOT_FOUND') throw new InitError('Runtime.ImportModuleError', `Error: ${err.message}`);
    if (err instanceof SyntaxError) throw new InitError('Runtime.UserCodeSyntaxError', `SyntaxError: ${err.message}`);
    throw error;
  }
  if (typeof exported?.handler !== 'function') {
    const file = path.basename(data.bundlePath, path.extname(data.bundlePath));
    throw new InitError('Runtime.HandlerNotFound', `${file}.handler is undefined or not exported`);
  }
  return exported.handler as Handler;
}

/** Async handlers resolve; callback handlers call back; a plain two-argument function just returns. */
function callHandler(fn: Handler, event: unknown, context: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const returned = fn(event, context, (error, result) => (error ? reject(error) : resolve(result)));
    if (isThenable(returned)) returned.then(resolve, reject);
    else if (fn.length < 3) resolve(returned);
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/** The same shape Lambda's Node.js runtime gives, including for thrown non-errors. */
function errorPayload(error: unknown): ErrorPayload {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: error.stack?.split('\n') ?? [] };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

/** Lambda's runtime logs every failed invocation; so do we, so that async failures are never silent. */
async function logInvokeError(requestId: string, payload: ErrorPayload): Promise<void> {
  process.stderr.write(`${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(payload)}\n`);
  await flushStdio();
}

/**
 * Resolves once the parent has received everything written so far, so that log lines of an
 * invocation reach it before the invocation's result does (they travel on another port).
 */
function flushStdio(): Promise<unknown> {
  const flush = (stream: NodeJS.WritableStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
  return Promise.all([flush(process.stdout), flush(process.stderr)]);
}

/**
 * A worker shares file descriptors 1 and 2 with the whole process, and the shop's logger
 * (libs/common) writes to fd 1 directly, which would bypass the worker's captured stdout.
 * Lambda captures the descriptors, so route writes to them into this worker's streams.
 */
function captureFileDescriptorWrites(): void {
  const streams: Record<number, NodeJS.WritableStream> = { 1: process.stdout, 2: process.stderr };
  const { writeSync, write } = fs;
  const bytesOf = (data: unknown, a: unknown, b: unknown): Buffer => {
    if (typeof data === 'string') {
      return Buffer.from(data, (typeof b === 'string' ? b : typeof a === 'string' ? a : 'utf8') as BufferEncoding);
    }
    const view = data as NodeJS.ArrayBufferView;
    const bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
    const options = (typeof a === 'object' && a !== null ? a : {}) as { offset?: number; length?: number };
    const offset = typeof a === 'number' ? a : (options.offset ?? 0);
    const length = typeof b === 'number' ? b : (options.length ?? bytes.byteLength - offset);
    return Buffer.from(bytes.subarray(offset, offset + length)); // a copy: callers reuse their buffers
  };

  fs.writeSync = function (fd: number, data: unknown, a?: unknown, b?: unknown, ...rest: unknown[]): number {
    const stream = streams[fd];
    if (!stream) return (writeSync as (...args: unknown[]) => number)(fd, data, a, b, ...rest);
    const bytes = bytesOf(data, a, b);
    stream.write(bytes);
    return bytes.byteLength;
  } as typeof fs.writeSync;

  fs.write = function (fd: number, data: unknown, ...args: unknown[]): void {
    const stream = streams[fd];
    if (!stream) return void (write as (...args: unknown[]) => void)(fd, data, ...args);
    const callback = args.pop() as (error: Error | null, written: number, data: unknown) => void;
    const bytes = bytesOf(data, args[0], args[1]);
    stream.write(bytes);
    process.nextTick(callback, null, bytes.byteLength, data);
  } as typeof fs.write;
}
