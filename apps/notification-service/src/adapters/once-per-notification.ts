import { dynamoClient, memo } from '@shop/aws';
import { requireEnv } from '@shop/common';
import { tableEnvVar } from '@shop/platform';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import type { Notification } from '../domain/ports';

export const SENT_NOTIFICATIONS_TABLE_ENV = tableEnvVar('sent-notifications');

/** How long a sent notification is remembered: longer than any redelivery comes. */
const REMEMBER_SECONDS = 7 * 24 * 3600;

/**
 * Sends each notification at most once, by its `notificationId`, with Powertools' idempotency
 * utility on the sent-notifications table: the first send records the notification as in
 * progress (until the function's own deadline, so that a crashed send can be retried), then as
 * done with what the send answered (its message id, or that the account's limit stopped it),
 * which a repeat answers without sending. A send that fails leaves nothing recorded, so Lambda's
 * retry sends it; a repeat while the first is still in progress fails
 * (IdempotencyAlreadyInProgressError) and is retried later.
 */
export class OncePerNotification {
  private readonly config = new IdempotencyConfig({ eventKeyJmesPath: 'notificationId', expiresAfterSeconds: REMEMBER_SECONDS });
  // The table name is read at first use, not at load: cold start stays light and tests set it per test.
  private readonly persistenceStore = memo(
    () => new DynamoDBPersistenceLayer({ tableName: requireEnv(SENT_NOTIFICATIONS_TABLE_ENV), awsSdkV3Client: dynamoClient() }),
  );

  /** Each invocation's context, so that an in-progress record lasts no longer than the invocation may. */
  startInvocation(context: Context): void {
    this.config.registerLambdaContext(context);
  }

  /** `send`, at most once per `notificationId`; a repeat answers what the first send answered. */
  wrap<N extends Notification, R extends object>(send: (notification: N) => Promise<R>): (notification: N) => Promise<R> {
    let idempotent: ((notification: N) => Promise<R>) | undefined;
    return (notification) => {
      idempotent ??= makeIdempotent(send, { persistenceStore: this.persistenceStore(), config: this.config });
      return idempotent(notification);
    };
  }
}
