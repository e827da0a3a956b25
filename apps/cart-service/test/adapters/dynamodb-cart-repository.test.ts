import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { useFakeDynamoDB } from '@shop/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CART_WRITE_CONFLICTS_METRIC, dynamoCartRepository } from '../../src/adapters/dynamodb-cart-repository';
import { line, MUG, storedCart, TABLE, TABLE_KEYS, withCartEnvironment } from '../fixtures';

const { db } = useFakeDynamoDB(TABLE_KEYS);
withCartEnvironment();
afterEach(() => vi.restoreAllMocks());

// A throttle is an infrastructure failure no table state produces: the fake is armed with it.
const throttled = () => Object.assign(new Error('throttled'), { name: 'ThrottlingException' });

describe('dynamoCartRepository.save', () => {
  it('counts a write that lost the race as a CartWriteConflicts metric, and answers false', async () => {
    // Another request created the cart first: this first write's condition fails.
    db().put(TABLE, storedCart([line(MUG, 3)], { version: 1 }));
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));

    expect(await dynamoCartRepository().save(storedCart([line(MUG, 1)], { version: 1 }))).toBe(false);

    const documents = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((d) => CART_WRITE_CONFLICTS_METRIC in d);
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({ [CART_WRITE_CONFLICTS_METRIC]: 1, _aws: { CloudWatchMetrics: [{ Namespace: 'Shop', Metrics: [{ Name: CART_WRITE_CONFLICTS_METRIC, Unit: 'Count' }] }] } });
  });

  it('counts nothing when the write goes through, nor when it fails for another reason', async () => {
    const onLostRace = vi.fn();
    const carts = dynamoCartRepository({ onLostRace });

    expect(await carts.save(storedCart([line(MUG, 1)], { version: 1 }))).toBe(true);
    db().failNext(PutCommand, throttled());
    await expect(carts.save(storedCart([line(MUG, 2)], { version: 2 }))).rejects.toThrow('throttled');
    expect(onLostRace).not.toHaveBeenCalled();
  });
});
