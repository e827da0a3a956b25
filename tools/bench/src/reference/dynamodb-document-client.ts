// The SDK floor (docs/performance.md, "Cold start"): the least a handler that reads DynamoDB loads
// with the AWS SDK v3, built with the services' own bundling options and nothing of the shop's.
// The client is made on first use, as libs/aws makes the shop's, so the load is the modules alone.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

let client: DynamoDBDocumentClient | undefined;

export const handler = async (event: { id: string }) => {
  client ??= DynamoDBDocumentClient.from(new DynamoDBClient({}));
  return client.send(new GetCommand({ TableName: 'reference', Key: { id: event.id } }));
};
