import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '@shop/common';
import { tableEnvVar } from '@shop/platform';
import { dynamoDocumentClient } from './dynamodb';

/** An adapter's option naming one table: `tableName` for its only one, `<what>Table` when it has several. */
export type TableOption = 'tableName' | `${string}Table`;

/**
 * What an adapter over DynamoDB tables may be given instead of its defaults (a test's client, a
 * fixed name): the client, and each table's physical name, read at each call.
 */
export type TableAccessOptions<K extends TableOption = 'tableName'> = { client?: () => DynamoDBDocumentClient } & { [P in K]?: () => string };

/** The client and each table's physical name, as an adapter uses them. */
export type TableAccess<K extends TableOption = 'tableName'> = { client: () => DynamoDBDocumentClient } & Record<K, () => string>;

/**
 * An adapter's client and tables: what `options` gives, or else the shared document client and
 * each table's name from the environment (`tableEnvVar(logicalName)`, as infra and the local cloud
 * set it). Names are read at each call, not at load: cold start stays light, a missing variable
 * fails the call that needs it (naming the variable), and tests set the environment per test.
 *
 * `tableAccess(options, { tableName: 'orders' })` → `{ client, tableName }`;
 * `tableAccess(options, { productsTable: 'products', reservationsTable: 'reservations' })` → `{ client, productsTable, reservationsTable }`.
 */
export function tableAccess<K extends TableOption>(options: TableAccessOptions<NoInfer<K>>, tables: Record<K, string>): TableAccess<K> {
  const names = Object.fromEntries(
    (Object.entries(tables) as [K, string][]).map(([option, logicalName]) => [option, options[option] ?? (() => requireEnv(tableEnvVar(logicalName)))]),
  ) as Record<K, () => string>;
  return { client: options.client ?? dynamoDocumentClient, ...names };
}
