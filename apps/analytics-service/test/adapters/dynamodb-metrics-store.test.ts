import { type CancellationReason, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { CONFLICT_ATTEMPTS } from '@shop/aws';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { dynamoMetricsStore } from '../../src/adapters/dynamodb-metrics-store';
import { MUG } from '../fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const store = dynamoMetricsStore({ client: () => client, metricsTable: () => 'metrics', processedTable: () => 'processed', conflictDelayMs: () => 0 });
const increments = [{ day: '2026-12-07', metric: 'orders#paid', by: 1 }];

const cancelled = (...reasons: CancellationReason[]) =>
  new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: reasons });
const CONFLICT: CancellationReason = { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' };

beforeEach(() => {
  ddb.reset();
});
afterAll(() => {
  ddb.restore();
});

describe('where an event is counted', () => {
  it("writes the metrics every order adds to under the event's shard, the others as they are, with the marker in the same transaction", async () => {
    ddb.on(TransactWriteCommand).resolves({});
    // 'evt-1' falls on shard 3 (test/domain pins it), 'evt-2' on shard 2.
    await store.record('evt-1', [
      { day: '2026-12-07', metric: 'orders#paid', by: 1 },
      { day: '2026-12-07', metric: 'revenue#USD', by: 3300 },
      { day: '2026-12-07', metric: `units#${MUG}`, by: 2, label: 'Enamel mug' },
    ]);
    await store.record('evt-2', increments);

    const [first, second] = ddb.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems ?? []);
    expect(first?.[0]?.Put).toMatchObject({ TableName: 'processed', Item: { eventId: 'evt-1' } });
    expect(first?.slice(1).map((item) => item.Update?.Key)).toEqual([
      { day: '2026-12-07', metric: 'orders#paid#3' },
      { day: '2026-12-07', metric: 'revenue#USD#3' },
      { day: '2026-12-07', metric: `units#${MUG}` },
    ]);
    expect(second?.[1]?.Update?.Key).toEqual({ day: '2026-12-07', metric: 'orders#paid#2' });
  });
});

describe('counting an event on busy counters', () => {
  it('tries a transaction again when another one held a counter (TransactionConflict): the event is counted, once', async () => {
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled({ Code: 'None' }, CONFLICT)).rejectsOnce(cancelled(CONFLICT, { Code: 'None' })).resolves({});
    await expect(store.record('evt-1', increments)).resolves.toBe('recorded');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it(`gives up after ${CONFLICT_ATTEMPTS} conflicts: Lambda's retry and then the failed-events queue take it`, async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled({ Code: 'None' }, CONFLICT));
    await expect(store.record('evt-1', increments)).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(CONFLICT_ATTEMPTS);
  });

  it('answers an event counted before as a duplicate, without trying again', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled({ Code: 'ConditionalCheckFailed' }, { Code: 'None' }));
    await expect(store.record('evt-1', increments)).resolves.toBe('duplicate');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});
