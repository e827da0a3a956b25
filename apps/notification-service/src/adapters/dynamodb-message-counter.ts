import { createHash } from 'node:crypto';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionHeld, retryConflicts, tableAccess, type TableAccessOptions, transactionCancellationReasons } from '@shop/aws';
import type { MessageCounter } from '../domain/ports';

const HOUR_MS = 3_600_000;

/**
 * What the texts to a phone number are counted under: a hash of it, as user-service keys the
 * codes sent to a number (`sent-to#<sha256>`), so that the table never holds the number. An
 * account's key is its userId, a Cognito sub, which never starts with `sent-to#`.
 */
export function numberKey(phone: string): string {
  return `sent-to#${createHash('sha256').update(phone).digest('hex')}`;
}

/**
 * The message-counts table behind the MessageCounter port: one counter per account, channel and
 * clock hour (`<userId>#<channel>#2026-03-01T10`), and per phone number and hour for texts
 * (`sent-to#<sha256 of the number>#sms#2026-03-01T10`), each raised by a conditional update, so
 * that concurrent sends can never count past a limit. A text raises its account's counter and
 * its number's in one transaction: one that either refuses counts against neither. A counter
 * expires (TTL) an hour after its hour.
 */
export function dynamoMessageCounter(options: TableAccessOptions = {}): MessageCounter {
  const { client, tableName } = tableAccess(options, { tableName: 'message-counts' });
  return {
    async countWithin({ userId, channel }, limit, at) {
      return conditionHeld(() => client().send(new UpdateCommand({ TableName: tableName(), ...oneMore(`${userId}#${channel}`, limit, at) })));
    },

    async countTextWithin({ userId, to }, limits, at) {
      const transaction = new TransactWriteCommand({
        TransactItems: [
          { Update: { TableName: tableName(), ...oneMore(`${userId}#sms`, limits.account, at) } },
          { Update: { TableName: tableName(), ...oneMore(`${numberKey(to)}#sms`, limits.number, at) } },
        ],
      });
      try {
        // Texts about many accounts to one number meet on its counter: two at once conflict, and
        // the loser is tried again here rather than through Lambda's retries.
        await retryConflicts(() => client().send(transaction));
        return 'counted';
      } catch (error) {
        const [account, number] = transactionCancellationReasons(error) ?? [];
        if (account?.Code === 'ConditionalCheckFailed') return 'account-spent';
        if (number?.Code === 'ConditionalCheckFailed') return 'number-spent';
        throw error;
      }
    },
  };
}

/** The counter `counted` of the hour `at` falls in raised by one, only while it is below `limit`. */
function oneMore(counted: string, limit: number, at: Date) {
  const hourStart = Math.floor(at.getTime() / HOUR_MS) * HOUR_MS;
  return {
    Key: { id: `${counted}#${new Date(hourStart).toISOString().slice(0, 13)}` },
    UpdateExpression: 'ADD #sent :one SET #expiresAt = :expiresAt',
    ConditionExpression: 'attribute_not_exists(#sent) OR #sent < :limit',
    ExpressionAttributeNames: { '#sent': 'sent', '#expiresAt': 'expiresAt' },
    ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expiresAt': (hourStart + 2 * HOUR_MS) / 1000 },
  };
}
