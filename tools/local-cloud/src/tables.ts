import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type KeySchemaElement,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { type KeyDef, physicalName, type ServiceManifest, type TableDef } from '@shop/platform';

/**
 * Creates the tables the manifests declare, as infra creates them in AWS: on-demand
 * billing, the same keys, every GSI projecting ALL, the declared stream and TTL.
 */

export interface EnsureTablesResult {
  /** Physical names of tables created now. */
  created: string[];
  /** Physical names of tables that were already there (a persisted database). */
  existing: string[];
}

/** The CreateTable request for one manifest table. */
export function createTableInput(tableName: string, table: TableDef): CreateTableCommandInput {
  const indexes = table.globalSecondaryIndexes ?? [];
  // Every attribute used in a key of the table or of an index, once.
  const keyAttributes = new Map<string, KeyDef>();
  for (const key of [table.partitionKey, table.sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])]) {
    if (key) keyAttributes.set(key.name, key);
  }
  const attributeDefinitions: AttributeDefinition[] = [...keyAttributes.values()].map((k) => ({
    AttributeName: k.name,
    AttributeType: k.type,
  }));

  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributeDefinitions,
    KeySchema: keySchema(table.partitionKey, table.sortKey),
    ...(indexes.length > 0 && {
      GlobalSecondaryIndexes: indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
    ...(table.stream && { StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream } }),
  };
}

/** Creates every table of every manifest for `stage`; tables that exist already are left as they are. */
export async function ensureTables(
  dynamodb: DynamoDBClient,
  stage: string,
  services: readonly ServiceManifest[],
): Promise<EnsureTablesResult> {
  const result: EnsureTablesResult = { created: [], existing: [] };
  for (const service of services) {
    for (const [logicalName, table] of Object.entries(service.tables)) {
      const tableName = physicalName(stage, service.name, logicalName);
      try {
        await dynamodb.send(new CreateTableCommand(createTableInput(tableName, table)));
      } catch (error) {
        if (error instanceof ResourceInUseException) {
          result.existing.push(tableName);
          continue;
        }
        throw new Error(`creating table ${tableName}: ${(error as Error).message}`, { cause: error });
      }
      if (table.ttlAttribute) {
        await dynamodb.send(
          new UpdateTimeToLiveCommand({
            TableName: tableName,
            TimeToLiveSpecification: { Enabled: true, AttributeName: table.ttlAttribute },
          }),
        );
      }
      result.created.push(tableName);
    }
  }
  return result;
}

function keySchema(partitionKey: KeyDef, sortKey?: KeyDef): KeySchemaElement[] {
  return [
    { AttributeName: partitionKey.name, KeyType: 'HASH' },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
  ];
}
