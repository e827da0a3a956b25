import { type LocalCloud, type LocalCloudOptions, startLocalCloud } from './local-cloud';

/**
 * What a test wants of a local cloud, as opposed to `npm start`: every port free (port 0), so
 * that it runs beside a developer's `npm start` and beside other tests; retries after 1 s instead
 * of AWS's visibility timeouts and backoffs, so that a failure path finishes within a test's
 * timeout; and the functions' logs kept off the terminal unless SHOP_E2E_LOG=1.
 */
export const TEST_CLOUD_OPTIONS = {
  apiPort: 0,
  lambdaPort: 0,
  dynamoDbPort: 0,
  cognitoPort: 0,
  sqsPort: 0,
  stepFunctionsPort: 0,
  eventBridgePort: 0,
  snsPort: 0,
  sesPort: 0,
  paymentProviderPort: 0,
  ssmPort: 0,
  sqsRetryDelaySeconds: 1,
  asyncRetryDelaySeconds: 1,
  streamRetryDelaySeconds: 1,
} as const satisfies LocalCloudOptions;

/**
 * The public way for a test to start the whole shop: `startLocalCloud` (the code path `npm start`
 * runs) with {@link TEST_CLOUD_OPTIONS} under the caller's own options. Stop it with `cloud.stop()`.
 */
export function startTestCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const showLogs = process.env['SHOP_E2E_LOG'] === '1';
  return startLocalCloud({
    ...TEST_CLOUD_OPTIONS,
    ...(!showLogs && { onFunctionLog: () => undefined }),
    ...options,
  });
}
