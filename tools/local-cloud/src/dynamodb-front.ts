import { createServer, type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';
import { dynamodbAccessRequests } from '@shop/platform';
import { type ListeningServer, listen, readBody } from './http-server';
import type { Authorizer } from './iam/local-iam';
import type { UsageMeter } from './usage/usage-meter';

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

export interface DynamoDbFrontOptions {
  /** DynamoDB Local's endpoint. */
  target: string;
  /**
   * With `meterUsage`: every request is asked what it consumed (`ReturnConsumedCapacity: TOTAL`,
   * as the AWS console's "consumed capacity" does) and the meter told, per table. DynamoDB Local
   * computes the units as DynamoDB does: 1 per 4 KB read strongly consistent, half of that
   * eventually consistent, 1 per 1 KB written, twice that inside a transaction. On demand, one
   * capacity unit is one request unit. The answer passes through unchanged but for the
   * `ConsumedCapacity` it now carries, which the SDK accepts and the code ignores.
   */
  meter?: UsageMeter;
  /**
   * The local cloud's IAM (decision 130): a function's request is judged, table by table and item
   * by item, with the attributes it names, as its policy's fine-grained conditions judge it on AWS.
   */
  access?: { authorizer: Authorizer; region: string; accountId: string };
  host?: string;
}

/**
 * What the functions and tests reach DynamoDB Local through: a proxy that judges the functions'
 * requests against their IAM policies and, when asked, meters what every request consumed.
 * Anyone else's request, unmetered, passes through as a stream.
 */
export async function startDynamoDbFront(options: DynamoDbFrontOptions): Promise<ListeningServer> {
  const target = new URL(options.target);
  const { meter, access } = options;
  const forward = (request: IncomingMessage, response: ServerResponse, body?: Buffer, onAnswer?: (answered: Buffer, status: number) => void): void => {
    const headers = { ...request.headers, host: target.host, ...(body && { 'content-length': String(body.length) }) };
    const upstream = httpRequest({ host: target.hostname, port: target.port, method: request.method, path: request.url, headers }, (answer) => {
      if (!onAnswer) {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const answered = Buffer.concat(chunks);
        onAnswer(answered, answer.statusCode ?? 502);
        response.writeHead(answer.statusCode ?? 502, answer.headers).end(answered);
      });
    });
    upstream.on('error', () => {
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
    if (body) upstream.end(body);
    else request.pipe(upstream);
  };

  const server = createServer((request, response) => {
    const judged = access?.authorizer.judges(request.headers) ?? false;
    if (!judged && !meter) return forward(request, response);
    void (async () => {
      const read = await readBody(request, 32 * 1024 * 1024);
      if (read.tooLarge) return void response.writeHead(413).end();
      const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const metered = meter !== undefined && METERED.has(operation);
      if (!judged && !metered) return forward(request, response, read.body);
      const input = parseInput(read.body);
      // Not JSON: DynamoDB Local answers it (SerializationException), as DynamoDB would before any IAM check.
      if (!input) return forward(request, response, read.body);
      const denied = judged && access ? access.authorizer.deny(request.headers, dynamodbAccessRequests(operation, input, access)) : undefined;
      if (denied) {
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'AccessDeniedException' });
        return void response.end(JSON.stringify({ __type: 'com.amazon.coral.service#AccessDeniedException', message: denied }));
      }
      if (!metered) return forward(request, response, read.body);
      if (!input['ReturnConsumedCapacity'] || input['ReturnConsumedCapacity'] === 'NONE') input['ReturnConsumedCapacity'] = 'TOTAL';
      forward(request, response, Buffer.from(JSON.stringify(input)), (answered, status) => {
        if (status === 200) record(meter, operation, answered);
      });
    })().catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  return listen(server, { host: options.host ?? '127.0.0.1', port: 0 });
}

function parseInput(body: Buffer): Record<string, unknown> | undefined {
  try {
    const input: unknown = JSON.parse(body.toString('utf8') || '{}');
    return typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
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
