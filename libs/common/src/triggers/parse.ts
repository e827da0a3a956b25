import type * as z from 'zod/mini';
import type { ErrorDetail } from '../errors';
import { issuesToDetails } from '../http/validation';

/**
 * What a trigger's input is checked against: a zod schema from libs/contracts or libs/events, or a
 * function that checks and throws (e.g. `(raw) => parseAnyEvent(NOTIFIED_EVENTS, raw)`, which
 * picks the event's schema by its type).
 */
export type InputSchema = z.ZodMiniType | ((raw: unknown) => unknown);

export type Parsed<S extends InputSchema> = S extends z.ZodMiniType ? z.output<S> : S extends (raw: unknown) => infer T ? T : never;

/**
 * An input that can never be processed, however often it is retried: not JSON, or not what the
 * schema says. Its message names the fields and never quotes the input, which may hold secrets.
 * A batch reports it as a failed item (the queue's receives, then its dead-letter queue, take it);
 * an asynchronous invoke fails with it (Lambda's retries, then the on-failure destination).
 */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessage';
  constructor(
    readonly source: string,
    readonly details: readonly ErrorDetail[],
    options?: { cause?: unknown },
  ) {
    super(`${source} is not valid: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`, options);
  }
}

/** Checks `raw` against `schema`; throws PoisonMessageError naming `source` (e.g. `message m-1`). */
export function parseInput<S extends InputSchema>(schema: S, raw: unknown, source: string): Parsed<S> {
  if (typeof schema === 'function') {
    try {
      return schema(raw) as Parsed<S>;
    } catch (error) {
      throw new PoisonMessageError(source, detailsOf(error), { cause: error });
    }
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new PoisonMessageError(source, issuesToDetails('payload', result.error.issues));
  return result.data as Parsed<S>;
}

/** JSON text (a message body) parsed, or a PoisonMessageError. */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new PoisonMessageError(source, [{ field: 'body', message: 'malformed JSON' }]);
  }
}

/**
 * What a parse function's error says: its message, and each of its issues when it lists them as
 * `path: message` strings (libs/events' InvalidEventError does).
 */
function detailsOf(error: unknown): ErrorDetail[] {
  const details: ErrorDetail[] = [{ field: 'input', message: error instanceof Error ? error.message : String(error) }];
  const issues = (error as { issues?: unknown } | null)?.issues;
  for (const issue of Array.isArray(issues) ? issues : []) {
    if (typeof issue !== 'string') continue;
    const at = issue.indexOf(': ');
    details.push(at > 0 ? { field: issue.slice(0, at), message: issue.slice(at + 2) } : { field: 'input', message: issue });
  }
  return details;
}
