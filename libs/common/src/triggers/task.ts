import type * as z from 'zod/mini';
import { directHandler, type InvokeRequest } from '../invoke/invoke-handler';

/**
 * Wraps a function a Task state of a state machine runs. The state's parameters are the payload
 * (with `correlationId`, which the definition passes along from the execution's input); it works
 * as `invokeHandler` does: `InvalidRequest` for a payload that does not match, and `handle`'s named
 * errors reach the state machine unchanged, where `Retry` and `Catch` match them by name.
 */
export function taskHandler<S extends z.ZodMiniType, R>(schema: S, handle: (request: InvokeRequest<z.output<S>>) => Promise<R>) {
  return directHandler('state-machine-task', schema, handle);
}
