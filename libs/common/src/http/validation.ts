import type * as z from 'zod/mini';
import { BadRequestError, type ErrorDetail } from '../errors';

export type RequestPart = 'body' | 'query' | 'path' | 'headers';

/** Turns zod issues into details that name each offending field, unknown fields included (`part` names the whole). */
export function issuesToDetails(part: RequestPart | 'payload', issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return issues.flatMap((issue) => {
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...at, key].join('.'), message: 'unknown field' }));
    }
    return [{ field: at.length ? at.join('.') : part, message: issue.message }];
  });
}

/** Parses one part of a request, or throws a 400 that says what was wrong and where. */
export function parseRequestPart<S extends z.ZodMiniType>(part: RequestPart, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = issuesToDetails(part, result.error.issues);
  const summary = details.map((d) => `${d.field}: ${d.message}`).join('; ');
  throw new BadRequestError(`Invalid request ${part}: ${summary}`, details, 'VALIDATION_FAILED');
}
