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

export function createLogger(options: { destination?: pino.DestinationStream; level?: string } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
      base: {
        service: process.env['SERVICE_NAME'],
        function: process.env['AWS_LAMBDA_FUNCTION_NAME'],
      },
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination,
  );
}

/** The process-wide logger; handlers make a child per request with its ids. */
export const logger: Logger = createLogger();
