import type { InvokeCommandOutput } from '@aws-sdk/client-lambda';

/**
 * What Lambda answers a RequestResponse invoke of a function that returned `payload`, or, with a
 * `functionError` (`'Unhandled'`), of one that threw `payload` (`{errorType, errorMessage}`): for
 * a test that stubs the Lambda client (`lambda.on(InvokeCommand).resolves(invokeAnswer(...))`).
 */
export function invokeAnswer(payload: unknown, functionError?: string): InvokeCommandOutput {
  return {
    $metadata: {},
    StatusCode: 200,
    ...(functionError ? { FunctionError: functionError } : {}),
    Payload: new TextEncoder().encode(JSON.stringify(payload)) as InvokeCommandOutput['Payload'],
  };
}
