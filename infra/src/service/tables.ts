import { DynamodbTable, type DynamodbTableAttribute } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { KeyDef, TableDef } from '@shop/platform';
import type { ServiceStack } from './service-stack';

/**
 * The service's DynamoDB tables: on demand, point-in-time recovery, indexes projecting all
 * attributes, TTL and streams where the manifest declares them, deletion protection in prod.
 */
export function serviceTables(stack: ServiceStack): void {
  for (const [name, def] of Object.entries(stack.manifest.tables)) {
    const table = new DynamodbTable(stack, `table-${name}`, {
      name: stack.physical(name),
      billingMode: 'PAY_PER_REQUEST',
      hashKey: def.partitionKey.name,
      ...(def.sortKey && { rangeKey: def.sortKey.name }),
      attribute: keyAttributes(stack.manifest.name, name, def),
      globalSecondaryIndex: (def.globalSecondaryIndexes ?? []).map((index) => ({
        name: index.name,
        hashKey: index.partitionKey.name,
        ...(index.sortKey && { rangeKey: index.sortKey.name }),
        projectionType: 'ALL',
      })),
      ...(def.ttlAttribute && { ttl: { attributeName: def.ttlAttribute, enabled: true } }),
      pointInTimeRecovery: { enabled: true },
      streamEnabled: Boolean(def.stream),
      ...(def.stream && { streamViewType: def.stream }),
      deletionProtectionEnabled: stack.config.deletionProtection,
    });
    stack.tables.set(name, table);
  }
}

/** DynamoDB wants exactly the attributes some key uses, each once. */
function keyAttributes(service: string, table: string, def: TableDef): DynamodbTableAttribute[] {
  const keys: KeyDef[] = [def.partitionKey, ...(def.sortKey ? [def.sortKey] : [])];
  for (const index of def.globalSecondaryIndexes ?? []) keys.push(index.partitionKey, ...(index.sortKey ? [index.sortKey] : []));
  const types = new Map<string, string>();
  for (const key of keys) {
    const known = types.get(key.name);
    if (known && known !== key.type) throw new Error(`${service}/${table}: the key attribute ${key.name} is both ${known} and ${key.type}`);
    types.set(key.name, key.type);
  }
  return [...types].map(([name, type]) => ({ name, type }));
}
