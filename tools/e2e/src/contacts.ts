import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isVerificationCode } from '@shop/testing';
import { cloud } from './cloud';
import { type OutboxMessage, outboxFor } from './events';

/**
 * Customers' contacts in the end-to-end tests. The shop writes only to verified channels, so a
 * test that reads a customer's messages registers them with `newVerifiedCustomer` (@shop/testing:
 * the codes come through the API and the outbox, as a customer would get them).
 */

const users = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, endpoint: cloud.dynamodbEndpoint }),
);

/** What the shop sent to an address or number about orders: the outbox without the verification codes. */
export async function orderMessagesFor(to: string): Promise<OutboxMessage[]> {
  return (await outboxFor(to)).filter((message) => !isVerificationCode(message));
}

/**
 * Marks a customer's e-mail address verified straight in the users table, past the API. Only for
 * an address no code can reach (the reserved `.invalid` domain, which local SES refuses): it
 * stands for a customer who verified an address that later began to bounce.
 */
export async function markEmailVerifiedInTable(userId: string): Promise<void> {
  await users.send(
    new UpdateCommand({
      TableName: cloud.tables.users,
      Key: { userId },
      UpdateExpression: 'SET emailVerified = :true',
      ConditionExpression: 'attribute_exists(userId)',
      ExpressionAttributeValues: { ':true': true },
    }),
  );
}
