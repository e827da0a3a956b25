import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { requireEnv, tableEnvVar } from '@shop/common';
import { dynamoDocumentClient } from '@shop/aws';
import type { ReportStore } from '../domain/ports';

export const REPORTS_TABLE_ENV = tableEnvVar('reports');

/** The reports table: the latest report made for each period and first day. */
export function dynamoReportStore(options: { client?: () => DynamoDBDocumentClient; tableName?: () => string } = {}): ReportStore {
  const client = options.client ?? dynamoDocumentClient;
  const tableName = options.tableName ?? (() => requireEnv(REPORTS_TABLE_ENV));
  return {
    async save(report) {
      await client().send(new PutCommand({ TableName: tableName(), Item: report }));
    },
  };
}
