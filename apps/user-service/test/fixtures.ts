import { createLogger, logger } from '@shop/common';
import { afterEach, beforeEach, vi } from 'vitest';

export const USERS_TABLE = 'shop-test-user-service-users';
export const USER_POOL_ID = 'us-east-1_TestPool1';
export const USER_POOL_CLIENT_ID = 'testclientid';
export const VERIFICATIONS_TABLE = 'shop-test-user-service-contact-verifications';
export const EMAIL_FROM = 'orders@shop.example';
/** The tables' keys, for FakeDynamoDB: a verification is one per user and channel. */
export const TABLE_KEYS = { [USERS_TABLE]: 'userId', [VERIFICATIONS_TABLE]: ['userId', 'channel'] } as const;

/** The names of the table and the pool come from the environment, as infra and the local cloud set them. */
export function withUserServiceEnv(): void {
  beforeEach(() => {
    vi.stubEnv('USERS_TABLE', USERS_TABLE);
    vi.stubEnv('USER_POOL_ID', USER_POOL_ID);
    vi.stubEnv('USER_POOL_CLIENT_ID', USER_POOL_CLIENT_ID);
    vi.stubEnv('CONTACT_VERIFICATIONS_TABLE', VERIFICATIONS_TABLE);
    vi.stubEnv('EMAIL_FROM', EMAIL_FROM);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });
}

/** Captures what handlers log from here on, as the JSON lines Lambda would ship. */
export function captureLogs(): { lines: string[] } {
  const lines: string[] = [];
  const capture = createLogger({ destination: { write: (line: string) => void lines.push(line) } });
  capture.level = 'debug';
  vi.spyOn(logger, 'child').mockImplementation(((bindings: Record<string, unknown>) => capture.child(bindings)) as typeof logger.child);
  return { lines };
}
