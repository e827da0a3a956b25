import fs from 'node:fs';

/**
 * One JSON line per event on stdout, which Lambda ships to CloudWatch. Secrets are
 * redacted by path so that a careless `log.info({ body })` cannot leak them. A path is keys
 * joined by dots, where `*` is any one key: `*.password` is `body.password`, not `a.b.password`.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'idToken',
  '*.idToken',
  'refreshToken',
  '*.refreshToken',
  'accessToken',
  '*.accessToken',
  'authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
];

const CENSOR = '[redacted]';

/**
 * The levels and their order, as pino had them: the shop logged with pino until its load cost a
 * third of every cold start (docs/performance.md), and `LOG_LEVEL` keeps meaning what it meant.
 */
const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Number.POSITIVE_INFINITY } as const;

export type LogLevel = keyof typeof LEVELS;

/** `log.info({ orderId }, 'order placed')` or `log.info('order placed')`: fields first, as in pino. */
export interface LogFn {
  (fields: object, message?: string): void;
  (message: string): void;
}

/**
 * The shop's logger: the part of pino's interface the shop uses. Every line carries the base
 * fields (service, function, version) and the bindings of each `child` it was made from.
 */
export interface Logger {
  /** Lines below it are dropped; a child starts at its parent's level. */
  level: LogLevel;
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

/** Where lines go: each `write` is one whole line, its newline included. */
export interface LogDestination {
  write(line: string): unknown;
}

/**
 * The level Lambda's advanced logging controls set (`AWS_LAMBDA_LOG_LEVEL`, in capitals) wins over
 * the function's own `LOG_LEVEL`, so that an operator can turn a function's logs up or down in the
 * console without a deploy. Anything unknown falls back to `info` rather than failing the init.
 */
export function logLevelFromEnvironment(env: NodeJS.ProcessEnv = process.env): LogLevel {
  for (const value of [env['AWS_LAMBDA_LOG_LEVEL'], env['LOG_LEVEL']]) {
    const level = value?.toLowerCase();
    if (level && isLogLevel(level)) return level;
  }
  return 'info';
}

function isLogLevel(name: string): name is LogLevel {
  return Object.hasOwn(LEVELS, name);
}

/**
 * The default destination: fd 1, written synchronously. Lambda freezes the sandbox as soon as the
 * handler's promise settles, so a line left in a buffer (often the one that says why the invocation
 * failed) could be lost or arrive in the next invocation; a synchronous write costs microseconds per
 * line at our volume. When something has replaced `process.stdout.write` (a test capturing output, a
 * tool), lines go through it instead. That is decided per line, not when the logger is made:
 * `process.stdout` is built on first use, which costs a cold start several milliseconds.
 */
const STDOUT: LogDestination = {
  write(line) {
    const stdout = process.stdout as NodeJS.WriteStream & { constructor: { prototype: { write: unknown } } };
    if (stdout.write !== stdout.constructor.prototype.write) stdout.write(line);
    else writeAll(1, line);
  },
};

/** `fs.writeSync` until every byte is out: a pipe may take part of a long line, or none for a moment (EAGAIN). */
function writeAll(fd: number, line: string): void {
  const total = Buffer.byteLength(line);
  let bytes: Buffer | undefined;
  let written = 0;
  while (written < total) {
    try {
      written += bytes ? fs.writeSync(fd, bytes, written) : fs.writeSync(fd, line);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(PAUSE, 0, 0, 1);
    }
    bytes ??= Buffer.from(line);
  }
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** What to censor, key by key from the top of a line: `['a', '*.b']` → `{ a: CENSOR, '*': { b: CENSOR } }`. */
type PathTree = { [key: string]: PathTree | typeof CENSOR };

function pathTree(paths: readonly string[]): PathTree {
  const root: PathTree = {};
  for (const path of paths) {
    const keys = path.split('.');
    const last = keys.pop() ?? '';
    let node: PathTree | typeof CENSOR = root;
    for (const key of keys) {
      if (node === CENSOR) break;
      node = node[key] ??= {};
    }
    if (node !== CENSOR) node[last] = CENSOR;
  }
  return root;
}

const REDACTED = pathTree(REDACTED_PATHS);

/**
 * A `JSON.stringify` replacer that censors `REDACTED_PATHS` and writes errors as
 * `{ type, message, stack, ...their own fields, cause }` (JSON.stringify alone writes `{}`).
 * It remembers, for each object it hands back, the branches of the path tree that reach it:
 * stringify walks an object's keys right after the replacer returns it, with the object as `this`.
 */
function redactingReplacer(line: object): (this: unknown, key: string, value: unknown) => unknown {
  const reaching = new WeakMap<object, PathTree[]>([[line, [REDACTED]]]);
  return function (this: unknown, key, value) {
    const out = serializable(value);
    const branches = reaching.get(this as object);
    const next: PathTree[] = [];
    for (const node of branches ?? []) {
      for (const branch of [node[key], node['*']]) {
        if (branch === CENSOR) return CENSOR;
        if (branch) next.push(branch);
      }
    }
    if (typeof out === 'object' && out !== null && out !== line) {
      if (next.length > 0) reaching.set(out, next);
      else reaching.delete(out);
    }
    return out;
  };
}

function serializable(value: unknown): unknown {
  if (value instanceof Error) {
    const fields: Record<string, unknown> = { type: value.constructor.name, message: value.message, stack: value.stack };
    for (const [key, field] of Object.entries(value)) fields[key] ??= field;
    if (value.cause !== undefined) fields['cause'] ??= value.cause;
    return fields;
  }
  return typeof value === 'bigint' ? value.toString() : value;
}

/** The line as JSON. Should its fields hold a cycle, objects met a second time are written as `[Circular]`. */
function toJson(line: Record<string, unknown>): string {
  try {
    return JSON.stringify(line, redactingReplacer(line));
  } catch {
    const redact = redactingReplacer(line);
    const seen = new WeakSet<object>();
    return JSON.stringify(line, function (this: unknown, key, value) {
      const out = redact.call(this, key, value);
      if (typeof out !== 'object' || out === null) return out;
      if (seen.has(out)) return '[Circular]';
      seen.add(out);
      return out;
    });
  }
}

class JsonLineLogger implements Logger {
  private threshold: number;

  constructor(
    private readonly destination: LogDestination,
    private levelName: LogLevel,
    /** The base fields, then each child's bindings. */
    private bindings: Readonly<Record<string, unknown>>,
  ) {
    this.threshold = LEVELS[levelName];
  }

  get level(): LogLevel {
    return this.levelName;
  }

  set level(level: LogLevel) {
    if (!isLogLevel(level)) throw new RangeError(`unknown log level: ${String(level)}`);
    this.levelName = level;
    this.threshold = LEVELS[level];
  }

  /**
   * A child is made from its parent object (`Object.create`), as pino's are, so that whatever is
   * put on a logger (a test's spy on `logger.child`) holds for the children made from it too.
   */
  child(bindings: Record<string, unknown>): Logger {
    const child = Object.create(this) as JsonLineLogger;
    child.bindings = { ...this.bindings, ...bindings };
    child.level = this.levelName;
    return child;
  }

  trace(fields: object | string, message?: string): void {
    this.write('trace', fields, message);
  }
  debug(fields: object | string, message?: string): void {
    this.write('debug', fields, message);
  }
  info(fields: object | string, message?: string): void {
    this.write('info', fields, message);
  }
  warn(fields: object | string, message?: string): void {
    this.write('warn', fields, message);
  }
  error(fields: object | string, message?: string): void {
    this.write('error', fields, message);
  }
  fatal(fields: object | string, message?: string): void {
    this.write('fatal', fields, message);
  }

  /** `{ level, time, ...base, ...bindings, ...fields, message }`: pino's order, so that lines read as they did. */
  private write(level: Exclude<LogLevel, 'silent'>, fields: object | string, message: string | undefined): void {
    if (LEVELS[level] < this.threshold) return;
    const own = typeof fields === 'string' ? { message: fields } : fields instanceof Error ? { err: fields, message: message ?? fields.message } : message === undefined ? fields : { ...fields, message };
    this.destination.write(`${toJson({ level, time: new Date().toISOString(), ...this.bindings, ...own })}\n`);
  }
}

export function createLogger(options: { destination?: LogDestination; level?: LogLevel } = {}): Logger {
  const base = {
    service: process.env['SERVICE_NAME'],
    function: process.env['AWS_LAMBDA_FUNCTION_NAME'],
    version: process.env['AWS_LAMBDA_FUNCTION_VERSION'],
  };
  return new JsonLineLogger(options.destination ?? STDOUT, options.level ?? logLevelFromEnvironment(), base);
}

/** The process-wide logger; the handler wrappers make a child per invocation with its ids (see invocation.ts). */
export const logger: Logger = createLogger();
