import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { physicalName, type ServiceManifest, tableEnvVar } from '@shop/platform';
import { startDynamoDbLocal } from './dynamodb-local';
import { LOCAL_AWS } from './local-aws';
import { ensureTables } from './tables';

const STAGE = 'it';

/**
 * How long an integration test on DynamoDB Local may take. Vitest's 5 s default is enough on a
 * quiet machine; tests that race 30 transactions at a JVM on two busy cores (a CI run beside other
 * projects' tests) took longer, and failed on time, not on what they check.
 */
export const LOCAL_TABLES_TEST_TIMEOUT_MS = 30_000;

export interface LocalTables {
  /** A document client of its own, for arranging and checking data. */
  client: DynamoDBDocumentClient;
  /** Physical name of a table of `service`. */
  tableName(service: string, table: string): string;
  stop(): Promise<void>;
}

/**
 * For services' integration tests: DynamoDB Local (the jar, as the local cloud runs it) with the manifests' tables, and the
 * environment a deployed handler gets: its tables' names and the endpoint, which the shared
 * client factory reads at its first use.
 */
export async function startLocalTables(services: readonly ServiceManifest[]): Promise<LocalTables> {
  const ddb = await startDynamoDbLocal({ port: 0 });
  const raw = new DynamoDBClient({ ...LOCAL_AWS, endpoint: ddb.endpoint });
  await ensureTables(raw, STAGE, services);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
  });
  for (const service of services) {
    for (const table of Object.keys(service.tables)) process.env[tableEnvVar(table)] = physicalName(STAGE, service.name, table);
  }
  return {
    client: DynamoDBDocumentClient.from(raw),
    tableName: (service, table) => physicalName(STAGE, service, table),
    stop: async () => {
      raw.destroy();
      await ddb.stop();
    },
  };
}
