import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startTestCloud, storefrontSite } from '@shop/local-cloud';
import { UNDECLARED_ERROR_STATUS } from '@shop/common';
import { findRepoRoot } from '@shop/platform';

/**
 * Starts the local cloud once for the whole suite, on free ports, through the same
 * `startLocalCloud` that `npm start` uses. With SHOP_E2E_LOG=1 the functions' logs are shown; their
 * error lines are always kept in a file, whose path the setup prints.
 *
 * The suite fails when any function answered an error status its route does not declare in its
 * manifest (the http wrapper logs it): the OpenAPI document would have misled its clients. It
 * also fails when the local cloud's IAM refused any call a function made: the policy infra
 * deploys would refuse it on AWS too (decision 130).
 */
const PAYMENT_WINDOW_SECONDS = 30;

export default async function setup(project: TestProject) {
  const showLogs = process.env['SHOP_E2E_LOG'] === '1';
  // Every error a function logs is kept, whatever SHOP_E2E_LOG says: a test that fails once in CI
  // leaves the function's own account of it behind.
  const errorLog = join(tmpdir(), `shop-e2e-function-errors-${process.pid}.log`);
  console.log(`[e2e] the functions' error lines go to ${errorLog}`);
  const undeclared: string[] = [];
  // The storefront is served beside the API, as under `npm start`, and the API allows its origin (CORS).
  const web = await storefrontSite({ repoRoot: findRepoRoot(), host: '127.0.0.1', port: 0 });
  const cloud = await startTestCloud({
    webOrigins: [web.origin],
    // Short enough that the expiry test runs in seconds, long enough for 20 buyers on two cores to pay.
    paymentWindowSeconds: PAYMENT_WINDOW_SECONDS,
    log: (line) => console.log(`[local-cloud] ${line}`),
    onFunctionLog: (l) => {
      if (showLogs) console.log(`[${l.functionName}] ${l.line}`);
      if (l.line.includes('"level":"error"') || l.line.includes('"level":"fatal"')) appendFileSync(errorLog, `${new Date().toISOString()} [${l.functionName}] ${l.line}\n`);
      if (l.line.includes(UNDECLARED_ERROR_STATUS)) undeclared.push(`${l.functionName}: ${l.line}`);
    },
  });
  if (!cloud.seeded) throw new Error('the local cloud did not seed its accounts');
  // A storefront that cannot be served fails the suite rather than skipping the browser tests
  // unseen; SHOP_E2E_NO_WEB=1 runs the API tests alone (without `nx build storefront`).
  const site = process.env['SHOP_E2E_NO_WEB'] === '1' ? undefined : await web.start(cloud.apiUrl).catch(async (error: unknown) => {
    await cloud.stop();
    throw new Error(`the storefront could not be served (build it with \`npx nx build storefront\`, or set SHOP_E2E_NO_WEB=1 to run without the browser tests): ${(error as Error).message}`);
  });
  project.provide('cloud', {
    apiUrl: cloud.apiUrl,
    stage: cloud.stage,
    dynamodbEndpoint: cloud.endpoints.dynamodb,
    userPoolId: cloud.userPool.id,
    cognitoEndpoint: cloud.endpoints.cognito,
    clientId: cloud.userPool.clientId,
    admin: cloud.seeded.admin,
    manager: cloud.seeded.manager,
    tables: {
      products: cloud.tableName('product-service', 'products'),
      users: cloud.tableName('user-service', 'users'),
      reports: cloud.tableName('analytics-service', 'reports'),
      orders: cloud.tableName('order-service', 'orders'),
      contactVerifications: cloud.tableName('user-service', 'contact-verifications'),
    },
    eventBridgeEndpoint: cloud.endpoints.eventBridge,
    eventBusName: cloud.eventBusName,
    failedNotificationsQueueUrl: cloud.deadLetterQueueUrl('notification-service', 'failed-notifications'),
    failedEventsQueueUrl: cloud.deadLetterQueueUrl('analytics-service', 'failed-events'),
    unpublishedChangesQueueUrl: cloud.deadLetterQueueUrl('order-events', 'unpublished-changes'),
    dailyReportSchedule: cloud.scheduler.names().find((name) => name.endsWith('-daily-report')) ?? '',
    sqsEndpoint: cloud.endpoints.sqs,
    stepFunctionsEndpoint: cloud.endpoints.stepFunctions,
    lambdaEndpoint: cloud.endpoints.lambda,
    checkoutStateMachineArn: cloud.stateMachineArn('checkout-orchestrator', 'checkout'),
    paymentQueueName: cloud.queueName('payment-service', 'payment-events'),
    webhookSecret: cloud.paymentProvider.webhookSecret,
    paymentProviderUrl: cloud.paymentProvider.url,
    paymentProviderApiKey: cloud.paymentProvider.apiKey,
    paymentWindowSeconds: PAYMENT_WINDOW_SECONDS,
    webUrl: site ? site.url : '',
  });
  return async () => {
    await site?.close();
    const denials = cloud.iam.denials();
    await cloud.stop();
    if (denials.length) {
      console.error(`[e2e] ${denials.length} call(s) the functions' IAM policies refuse:\n${denials.map((d) => d.message).join('\n')}`);
      process.exitCode = 1;
    }
    if (undeclared.length) {
      // A throw here is only printed by vitest; the exit code is what fails the run.
      console.error(`[e2e] ${undeclared.length} answer(s) with an error status the route does not declare:\n${undeclared.join('\n')}`);
      process.exitCode = 1;
    }
  };
}

export interface E2eCloud {
  apiUrl: string;
  stage: string;
  dynamodbEndpoint: string;
  userPoolId: string;
  /** cognito-local: a test reaches the user pool as a client would, around the API. */
  cognitoEndpoint: string;
  clientId: string;
  admin: { email: string; password: string };
  manager: { email: string; password: string };
  tables: { products: string; users: string; reports: string; orders: string; contactVerifications: string };
  eventBridgeEndpoint: string;
  eventBusName: string;
  /** notification-service's and analytics-service's on-failure destinations. */
  failedNotificationsQueueUrl: string;
  failedEventsQueueUrl: string;
  /** order-events' dead-letter queue: where the orders stream's batches, and records that can never make an event, are kept. */
  unpublishedChangesQueueUrl: string;
  /** The physical name of analytics' daily report schedule. */
  dailyReportSchedule: string;
  sqsEndpoint: string;
  stepFunctionsEndpoint: string;
  /** The Lambda API: a test invokes a function by its physical name, as another function would. */
  lambdaEndpoint: string;
  checkoutStateMachineArn: string;
  paymentQueueName: string;
  webhookSecret: string;
  /** The payment provider simulator and the shop's key to it: tests make charges the shop did not make. */
  paymentProviderUrl: string;
  paymentProviderApiKey: string;
  paymentWindowSeconds: number;
  /** The storefront, served from dist/web/storefront; empty when it was not built. */
  webUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    cloud: E2eCloud;
  }
}
