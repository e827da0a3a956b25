import pino from 'pino';

/**
 * One JSON line per event on stdout, which Lambda ships to CloudWatch. Secrets are
 * redacted by path so that a careless `log.info({ body })` cannot leak them.
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

export type Logger = pino.Logger;

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

/**
 * The level Lambda's advanced logging controls set (`AWS_LAMBDA_LOG_LEVEL`, in capitals) wins over
 * the function's own `LOG_LEVEL`, so that an operator can turn a function's logs up or down in the
 * console without a deploy. Anything unknown falls back to `info` rather than failing the init.
 */
export function logLevelFromEnvironment(env: NodeJS.ProcessEnv = process.env): string {
  for (const value of [env['AWS_LAMBDA_LOG_LEVEL'], env['LOG_LEVEL']]) {
    const level = value?.toLowerCase();
    if (level && LEVELS.has(level)) return level;
  }
  return 'info';
}

/**
 * Where lines go by default: fd 1, written synchronously. pino's default destination buffers and
 * writes asynchronously, and Lambda freezes the sandbox as soon as the handler's promise settles,
 * so the last lines of an invocation (often the one that says why it failed) could be lost or
 * arrive in the next one. A synchronous write costs microseconds per line at our volume.
 * When something has replaced `process.stdout.write` (a test capturing output, a tool), lines go
 * through it instead: pino's own rule for its default, kept so that capture still works.
 */
function stdoutDestination(): pino.DestinationStream {
  const stdout = process.stdout as NodeJS.WriteStream & { constructor: { prototype: { write: unknown } } };
  if (stdout.write !== stdout.constructor.prototype.write) return stdout;
  return pino.destination({ dest: 1, sync: true });
}

export function createLogger(options: { destination?: pino.DestinationStream; level?: string } = {}): Logger {
  return pino(
    {
      level: options.level ?? logLevelFromEnvironment(),
      base: {
        service: process.env['SERVICE_NAME'],
        function: process.env['AWS_LAMBDA_FUNCTION_NAME'],
        version: process.env['AWS_LAMBDA_FUNCTION_VERSION'],
      },
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination ?? stdoutDestination(),
  );
}

/** The process-wide logger; the handler wrappers make a child per invocation with its ids (see invocation.ts). */
export const logger: Logger = createLogger();
