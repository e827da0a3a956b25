import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { tableAccess, type TableAccessOptions } from '@shop/aws';
import type { ReportStore } from '../domain/ports';

/** The reports table: the latest report made for each period and first day. */
export function dynamoReportStore(options: TableAccessOptions = {}): ReportStore {
  const { client, tableName } = tableAccess(options, { tableName: 'reports' });
  return {
    async save(report) {
      await client().send(new PutCommand({ TableName: tableName(), Item: report }));
    },
  };
}
