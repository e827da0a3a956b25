import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { retryConflicts, tableAccess, type TableAccessOptions } from '@shop/aws';
import { ContactChannel } from '@shop/contracts';
import type { AccountRecords } from '../domain/account-deletion';

/**
 * The account's items in user-service's tables behind the AccountRecords port: its profile in
 * `users`, and its verification of each channel in `contact-verifications`. The table's counts of
 * the codes sent to an address or number (`sent-to#<hash>`) and of the shop's texts in an hour
 * (`shop#<hour>`) are not the account's: they hold no address, expire within the hour, and must
 * outlive the account, or deleting it and registering again would buy five more codes to the
 * same number.
 */
export function dynamoAccountRecords(options: TableAccessOptions<'usersTable' | 'verificationsTable'> = {}): AccountRecords {
  const { client, usersTable, verificationsTable } = tableAccess(options, { usersTable: 'users', verificationsTable: 'contact-verifications' });

  return {
    async erase(userId) {
      // Unconditional deletes, all or none: a repeat deletes nothing and succeeds. A verification
      // that request- or confirm-verification writes at the same moment conflicts; the transaction
      // is tried again.
      await retryConflicts(() =>
        client().send(
          new TransactWriteCommand({
            TransactItems: [
              // Every channel an account may have a verification on, as the contract lists them.
              ...ContactChannel.options.map((channel) => ({ Delete: { TableName: verificationsTable(), Key: { userId, channel } } })),
              { Delete: { TableName: usersTable(), Key: { userId } } },
            ],
          }),
        ),
      );
    },
  };
}
