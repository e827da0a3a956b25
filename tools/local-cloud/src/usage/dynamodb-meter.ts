import { createServer, request as httpRequest } from 'node:http';
import { type ListeningServer, listen, readBody } from '../http-server';
import type { UsageMeter } from './usage-meter';

/** The operations that take `ReturnConsumedCapacity`, and so can say what they cost. */
const METERED = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
]);
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

interface ConsumedCapacity {
  TableName?: string;
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

/**
 * A proxy in front of DynamoDB Local that asks every request what it consumed
 * (`ReturnConsumedCapacity: TOTAL`, as the AWS console's "consumed capacity" does) and tells the
 * meter, per table. DynamoDB Local computes the units as DynamoDB does: 1 per 4 KB read strongly
 * consistent, half of that eventually consistent, 1 per 1 KB written, twice that inside a
 * transaction. On demand, one capacity unit is one request unit. The answer passes through
 * unchanged but for the `ConsumedCapacity` it now carries, which the SDK accepts and the code ignores.
 */
export async function startDynamoDbMeter(options: { target: string; meter: UsageMeter; host?: string }): Promise<ListeningServer> {
  const target = new URL(options.target);
  const server = createServer((request, response) => {
    void (async () => {
      const read = await readBody(request, 32 * 1024 * 1024);
      if (read.tooLarge) return void response.writeHead(413).end();
      const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      let body = read.body;
      if (METERED.has(operation)) {
        const input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        if (!input['ReturnConsumedCapacity'] || input['ReturnConsumedCapacity'] === 'NONE') input['ReturnConsumedCapacity'] = 'TOTAL';
        body = Buffer.from(JSON.stringify(input));
      }
      const headers = { ...request.headers, host: target.host, 'content-length': String(body.length) };
      const upstream = httpRequest({ host: target.hostname, port: target.port, method: request.method, path: request.url, headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const answered = Buffer.concat(chunks);
          if (METERED.has(operation) && answer.statusCode === 200) record(options.meter, operation, answered);
          response.writeHead(answer.statusCode ?? 502, answer.headers).end(answered);
        });
      });
      upstream.on('error', () => {
        if (!response.headersSent) response.writeHead(502);
        response.end();
      });
      upstream.end(body);
    })().catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  return listen(server, { host: options.host ?? '127.0.0.1', port: 0 });
}

function record(meter: UsageMeter, operation: string, answered: Buffer): void {
  let consumed: ConsumedCapacity | ConsumedCapacity[] | undefined;
  try {
    consumed = (JSON.parse(answered.toString('utf8')) as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
  } catch {
    return;
  }
  for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
    const units = entry.CapacityUnits ?? 0;
    const read = entry.ReadCapacityUnits ?? (READS.has(operation) ? units : 0);
    const write = entry.WriteCapacityUnits ?? (READS.has(operation) ? 0 : units);
    meter.dynamodb(entry.TableName ?? 'unknown', { read, write });
  }
}
