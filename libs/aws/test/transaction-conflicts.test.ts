import { describe, expect, it, vi } from 'vitest';
import { CONFLICT_ATTEMPTS, isTransactionConflict, retryConflicts } from '../src/transaction-conflicts';

const cancelled = (...codes: string[]) =>
  Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: codes.map((Code) => ({ Code })) });
const singleWriteConflict = () => Object.assign(new Error('Transaction is ongoing for the item'), { name: 'TransactionConflictException' });

describe('a write DynamoDB refuses for a conflict with a transaction', () => {
  it('is a transaction cancelled for a conflict alone, or a single write to an item a transaction holds', () => {
    expect(isTransactionConflict(cancelled('None', 'TransactionConflict'))).toBe(true);
    expect(isTransactionConflict(singleWriteConflict())).toBe(true);
    // A condition that failed says something about the data: never a conflict to try again.
    expect(isTransactionConflict(cancelled('ConditionalCheckFailed', 'TransactionConflict'))).toBe(false);
    expect(isTransactionConflict(Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' }))).toBe(false);
  });

  it('is tried again, a few times, and the last conflict is thrown', async () => {
    const noWait = () => 0;
    const once = vi.fn().mockRejectedValueOnce(singleWriteConflict()).mockResolvedValue('written');
    await expect(retryConflicts(once, noWait)).resolves.toBe('written');
    expect(once).toHaveBeenCalledTimes(2);

    const always = vi.fn().mockRejectedValue(singleWriteConflict());
    await expect(retryConflicts(always, noWait)).rejects.toMatchObject({ name: 'TransactionConflictException' });
    expect(always).toHaveBeenCalledTimes(CONFLICT_ATTEMPTS);

    const refused = vi.fn().mockRejectedValue(cancelled('ConditionalCheckFailed'));
    await expect(retryConflicts(refused, noWait)).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    expect(refused).toHaveBeenCalledOnce();
  });
});
