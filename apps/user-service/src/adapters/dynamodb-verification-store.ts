import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  conditionHeld,
  isConditionalCheckFailed,
  isTransactionConflict,
  retryConflicts,
  tableAccess,
  type TableAccessOptions,
  transactionCancellationReasons,
} from '@shop/aws';
import type { ContactChannel } from '@shop/contracts';
import { destinationOf } from '../domain/contact-verification';
import {
  AddressChangedError,
  ProfileGoneError,
  ShopLimitReachedError,
  type ShopSends,
  type Verification,
  VerificationConflictError,
  type VerificationStore,
} from '../domain/verification-store';

/** The profile attributes a channel's address and its flag live in. */
const PROFILE_ATTRIBUTES = {
  email: { address: 'email', verified: 'emailVerified' },
  sms: { address: 'phone', verified: 'phoneVerified' },
} as const satisfies Record<ContactChannel, { address: string; verified: string }>;

/** How a verification is stored: the code's salt and hash flat, so that burning it removes both. */
interface VerificationItem extends Omit<Verification, 'code'> {
  codeSalt?: string;
  codeHash?: string;
}

/**
 * How a destination's sends are stored, in the same table: keyed by a hash of the address (the
 * `userId` of an account is a Cognito sub, which never starts with `sent-to#`), so that the table
 * never holds a phone number an account did not keep.
 */
interface DestinationItem {
  userId: string;
  channel: ContactChannel;
  sentAt: string[];
  forgetAt: number;
  version: number;
}

/** The key of the sends to one address or number, as the limit counts them (`destinationOf`). */
export function destinationKey(channel: ContactChannel, sentTo: string): { userId: string; channel: ContactChannel } {
  const address = destinationOf(channel, sentTo);
  return { userId: `sent-to#${createHash('sha256').update(address).digest('hex')}`, channel };
}

/**
 * The key of the shop's count of the codes sent on a channel in a clock hour, from every account
 * (`shop#2026-03-01T10`; a Cognito sub never starts with `shop#`). `{sent, forgetAt}`, no version:
 * it is only ever raised by one, on condition that it is below the limit.
 */
export function shopSendsKey(channel: ContactChannel, hour: string): { userId: string; channel: ContactChannel } {
  return { userId: `shop#${hour}`, channel };
}

/** The contact-verifications table (key `userId`, `channel`) behind the VerificationStore port, and the users table it completes into. */
export function dynamoVerificationStore(options: TableAccessOptions<'verificationsTable' | 'usersTable'> = {}): VerificationStore {
  const { client, verificationsTable, usersTable } = tableAccess(options, { verificationsTable: 'contact-verifications', usersTable: 'users' });

  return {
    async get(userId, channel) {
      const out = await client().send(new GetCommand({ TableName: verificationsTable(), Key: { userId, channel }, ConsistentRead: true }));
      return out.Item ? fromItem(out.Item as VerificationItem) : undefined;
    },

    async save(next) {
      try {
        await client().send(new PutCommand({ TableName: verificationsTable(), Item: toItem(next), ...overVersion(next.version) }));
      } catch (error) {
        if (isConditionalCheckFailed(error)) throw new VerificationConflictError(`verification ${next.userId}/${next.channel} changed meanwhile`, { cause: error });
        throw error;
      }
    },

    async sendsTo(channel, sentTo) {
      const out = await client().send(new GetCommand({ TableName: verificationsTable(), Key: destinationKey(channel, sentTo), ConsistentRead: true }));
      if (!out.Item) return undefined;
      const { sentAt, forgetAt, version } = out.Item as DestinationItem;
      return { channel, sentTo, sentAt, forgetAt, version };
    },

    async saveSent(next, sends, shop) {
      const item: DestinationItem = { ...destinationKey(sends.channel, sends.sentTo), sentAt: sends.sentAt, forgetAt: sends.forgetAt, version: sends.version };
      const items = [
        { Put: { TableName: verificationsTable(), Item: toItem(next), ...overVersion(next.version) } },
        { Put: { TableName: verificationsTable(), Item: item, ...overVersion(sends.version) } },
        ...(shop ? [{ Update: { TableName: verificationsTable(), ...oneMoreInShopHour(shop) } }] : []),
        // Last: the account still exists (a deletion may have come after the profile was read).
        { ConditionCheck: { TableName: usersTable(), Key: { userId: next.userId }, ConditionExpression: 'attribute_exists(userId)' } },
      ];
      const profileCheck = items.length - 1;
      const transaction = new TransactWriteCommand({ TransactItems: items });
      try {
        // Every text of the hour counts on the shop's one item, so that two requests at once (any
        // accounts) conflict there: the loser is tried again here, not told to retry.
        await retryConflicts(() => client().send(transaction));
      } catch (error) {
        const reasons = transactionCancellationReasons(error) ?? [];
        // The shop's hour first: a retry after a lost race on the versions would meet it too.
        if (shop && reasons[2]?.Code === 'ConditionalCheckFailed') {
          throw new ShopLimitReachedError(`the shop sent ${shop.limit} codes by ${shop.channel} in ${shop.hour}`, { cause: error });
        }
        if (reasons[profileCheck]?.Code === 'ConditionalCheckFailed') throw new ProfileGoneError();
        if (reasons.some((reason) => reason?.Code === 'ConditionalCheckFailed') || isTransactionConflict(error)) {
          throw new VerificationConflictError(`verification ${next.userId}/${next.channel} or the sends to its address changed meanwhile`, { cause: error });
        }
        throw error;
      }
    },

    async markDelivered(sent, deliveredAt) {
      // An update, not a put of the whole item: it names only what it changes, and never writes
      // the code's hash again. The version the request wrote must still be there (a newer code or
      // a try moved it on; a confirmation deleted the item, which this must not bring back), and
      // it moves it on too, as every write does.
      return conditionHeld(() =>
        client().send(
          new UpdateCommand({
            TableName: verificationsTable(),
            Key: { userId: sent.userId, channel: sent.channel },
            UpdateExpression: 'SET #deliveredAt = :deliveredAt, #version = :next',
            ConditionExpression: '#version = :written',
            ExpressionAttributeNames: { '#deliveredAt': 'deliveredAt', '#version': 'version' },
            ExpressionAttributeValues: { ':deliveredAt': deliveredAt, ':written': sent.version, ':next': sent.version + 1 },
          }),
        ),
      );
    },

    async complete(verification) {
      const { address, verified } = PROFILE_ATTRIBUTES[verification.channel];
      try {
        await client().send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: usersTable(),
                  Key: { userId: verification.userId },
                  UpdateExpression: 'SET #verified = :true',
                  ConditionExpression: '#address = :sentTo',
                  ExpressionAttributeNames: { '#verified': verified, '#address': address },
                  ExpressionAttributeValues: { ':true': true, ':sentTo': verification.sentTo },
                },
              },
              {
                Delete: {
                  TableName: verificationsTable(),
                  Key: { userId: verification.userId, channel: verification.channel },
                  ConditionExpression: '#version = :read',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':read': verification.version },
                },
              },
            ],
          }),
        );
      } catch (error) {
        const [profile, stored] = transactionCancellationReasons(error) ?? [];
        if (profile?.Code === 'ConditionalCheckFailed') throw new AddressChangedError(`the profile of ${verification.userId} no longer has the ${address} the code went to`, { cause: error });
        if (stored?.Code === 'ConditionalCheckFailed') throw new VerificationConflictError(`verification ${verification.userId}/${verification.channel} changed meanwhile`, { cause: error });
        throw error;
      }
    },
  };
}

/** The shop's count of the hour raised by one, only while it is below the limit; it may go an hour after its hour. */
function oneMoreInShopHour({ channel, hour, limit, forgetAt }: ShopSends) {
  return {
    Key: shopSendsKey(channel, hour),
    UpdateExpression: 'ADD #sent :one SET #forgetAt = :forgetAt',
    ConditionExpression: 'attribute_not_exists(#sent) OR #sent < :limit',
    ExpressionAttributeNames: { '#sent': 'sent', '#forgetAt': 'forgetAt' },
    ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':forgetAt': forgetAt },
  };
}

/** Writes version `version` only over version `version - 1`, or over nothing for the first. */
function overVersion(version: number) {
  return version === 1
    ? { ConditionExpression: 'attribute_not_exists(userId)' }
    : { ConditionExpression: '#version = :read', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':read': version - 1 } };
}

function toItem({ code, ...rest }: Verification): VerificationItem {
  return { ...rest, ...(code && { codeSalt: code.salt, codeHash: code.hash }) };
}

function fromItem({ codeSalt, codeHash, ...rest }: VerificationItem): Verification {
  return { ...rest, ...(codeSalt && codeHash && { code: { salt: codeSalt, hash: codeHash } }) };
}
