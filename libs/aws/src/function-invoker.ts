import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { requireEnv } from '@shop/common';
import { functionEnvVar } from '@shop/platform';
import { lambdaClient } from './lambda';
import type * as z from 'zod/mini';

/**
 * The invoked function failed: Lambda answered 200 with `FunctionError` set and the error in
 * the payload. `errorType` is the error's name on the other side (`OutOfStock`, `InvalidRequest`).
 */
export class InvokedFunctionError extends Error {
  override readonly name = 'InvokedFunctionError';
  constructor(
    readonly functionRef: string,
    readonly errorType: string,
    readonly errorMessage: string,
  ) {
    super(`${functionRef} failed with ${errorType}: ${errorMessage}`);
  }
}

export interface FunctionInvoker {
  /**
   * Calls another service's function and waits for its answer (RequestResponse), checked
   * against `response`. The correlation id travels in the payload, as the callee's
   * `invokeHandler` expects. Throws `InvokedFunctionError` when the function failed.
   */
  invoke<S extends z.ZodMiniType>(ref: string, payload: Record<string, unknown>, response: S, correlationId: string): Promise<z.output<S>>;
  /**
   * Hands an event to another service's function and returns once Lambda has queued it
   * (`InvocationType: Event`, answered 202): the function runs later, and its failures are
   * Lambda's to retry and send to its on-failure destination, never this caller's.
   */
  invokeAsync(ref: string, payload: Record<string, unknown>, correlationId: string): Promise<void>;
}

export interface LambdaInvokerOptions {
  client?: () => LambdaClient;
}

/** Invokes functions by `service/function`, their physical names read from the environment that infra and the local cloud set. */
export function lambdaFunctionInvoker(options: LambdaInvokerOptions = {}): FunctionInvoker {
  const client = options.client ?? lambdaClient;
  return {
    async invoke(ref, payload, response, correlationId) {
      const out = await client().send(
        new InvokeCommand({
          FunctionName: requireEnv(functionEnvVar(ref)),
          InvocationType: 'RequestResponse',
          Payload: Buffer.from(JSON.stringify({ ...payload, correlationId })),
        }),
      );
      const answer = readPayload(ref, out.Payload);
      if (out.FunctionError) {
        const error = (answer ?? {}) as { errorType?: unknown; errorMessage?: unknown };
        throw new InvokedFunctionError(ref, String(error.errorType ?? out.FunctionError), String(error.errorMessage ?? 'no message'));
      }
      const parsed = response.safeParse(answer);
      if (!parsed.success) throw new Error(`${ref} answered something outside its contract: ${parsed.error.message}`);
      return parsed.data;
    },
    async invokeAsync(ref, payload, correlationId) {
      const out = await client().send(
        new InvokeCommand({
          FunctionName: requireEnv(functionEnvVar(ref)),
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify({ ...payload, correlationId })),
        }),
      );
      if (out.StatusCode !== 202) throw new Error(`${ref} did not take the event: status ${out.StatusCode}`);
    },
  };
}

function readPayload(ref: string, payload: Uint8Array | undefined): unknown {
  if (!payload || payload.byteLength === 0) return undefined;
  const text = Buffer.from(payload).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${ref} answered a payload that is not JSON: ${text.slice(0, 200)}`);
  }
}
