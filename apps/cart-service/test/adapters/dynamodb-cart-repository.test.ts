import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CART_WRITE_CONFLICTS_METRIC, dynamoCartRepository } from '../../src/adapters/dynamodb-cart-repository';
import { line, MUG, storedCart, withCartEnvironment } from '../fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
withCartEnvironment();
beforeEach(() => ddb.reset());
afterEach(() => vi.restoreAllMocks());
afterAll(() => ddb.restore());

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('dynamoCartRepository.save', () => {
  it('counts a write that lost the race as a CartWriteConflicts metric, and answers false', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));

    expect(await dynamoCartRepository().save(storedCart([line(MUG, 1)]))).toBe(false);

    const documents = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((d) => CART_WRITE_CONFLICTS_METRIC in d);
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({ [CART_WRITE_CONFLICTS_METRIC]: 1, _aws: { CloudWatchMetrics: [{ Namespace: 'Shop', Metrics: [{ Name: CART_WRITE_CONFLICTS_METRIC, Unit: 'Count' }] }] } });
  });

  it('counts nothing when the write goes through, nor when it fails for another reason', async () => {
    const onLostRace = vi.fn();
    ddb.on(PutCommand).resolvesOnce({}).rejectsOnce(new Error('throttled'));
    const carts = dynamoCartRepository({ onLostRace });

    expect(await carts.save(storedCart([line(MUG, 1)]))).toBe(true);
    await expect(carts.save(storedCart([line(MUG, 2)]))).rejects.toThrow('throttled');
    expect(onLostRace).not.toHaveBeenCalled();
  });
});
