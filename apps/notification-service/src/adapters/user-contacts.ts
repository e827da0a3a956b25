import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { functionEnvVar, requireEnv } from '@shop/common';
import { lambdaClient } from '@shop/aws';
import { Contact } from '@shop/domain';
import type { Contacts } from '../domain/ports';

export const GET_CONTACT = 'user-service/get-contact';

/** The invoked function failed (`FunctionError`): `errorType` is its error's name, e.g. `UserNotFound`. */
export class ContactLookupError extends Error {
  override readonly name = 'ContactLookupError';
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(`${GET_CONTACT} failed with ${errorType}: ${message}`);
  }
}

/** user-service's get-contact, invoked and waited for (RequestResponse), its answer checked against the contract. */
export function userContacts(options: { client?: () => LambdaClient } = {}): Contacts {
  const client = options.client ?? lambdaClient;
  return {
    async get(userId, correlationId) {
      const out = await client().send(
        new InvokeCommand({
          FunctionName: requireEnv(functionEnvVar(GET_CONTACT)),
          InvocationType: 'RequestResponse',
          Payload: Buffer.from(JSON.stringify({ userId, correlationId })),
        }),
      );
      const answer: unknown = out.Payload?.byteLength ? JSON.parse(Buffer.from(out.Payload).toString('utf8')) : undefined;
      if (out.FunctionError) {
        const error = (answer ?? {}) as { errorType?: unknown; errorMessage?: unknown };
        throw new ContactLookupError(String(error.errorType ?? out.FunctionError), String(error.errorMessage ?? 'no message'));
      }
      return Contact.parse(answer);
    },
  };
}
