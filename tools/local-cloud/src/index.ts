/**
 * The local cloud: the whole shop on localhost, wired from the service manifests.
 * `startLocalCloud` is what `npm start` runs; `startTestCloud` is the same with what tests want
 * (free ports, quick retries, quiet functions). The parts are exported for tests that need only
 * one of them.
 */
export {
  startLocalCloud,
  START_PHASES,
  type StartPhase,
  type LocalCloud,
  type LocalCloudOptions,
  type LocalStepFunctions,
  type RequestLogEntry,
} from './local-cloud';
export { startTestCloud, TEST_CLOUD_OPTIONS } from './test-cloud';
export { seed, SEED_ADMIN, SEED_MANAGER, type SeedAccount, type SeededProduct, type SeedResult } from './seed';
export { LOCAL_AWS } from './local-aws';
export { startDynamoDbLocal, type DynamoDbLocal, type DynamoDbLocalOptions } from './dynamodb-local';
export { startCognitoLocal, type CognitoLocal, type CognitoLocalOptions } from './cognito-local';
export { ensureTables, createTableInput, type EnsureTablesResult } from './tables';
export { functionBundles, missingBundles, bundlePath, type FunctionBundle } from './services';
export {
  functionEnvironment,
  functionConfigs,
  routeBindings,
  queueMappings,
  eventRuleBindings,
  topicBindings,
  streamMappings,
  scheduleBindings,
  asyncInvokeSettings,
  type LocalEndpoints,
  type PaymentProviderRef,
  type QueueMapping,
  type UserPoolRef,
  type WiringContext,
} from './wiring';
export { taskStateProblems } from './manifest-references';
export { freePort, isPortFree } from './free-port';
export { LOCAL_TABLES_TEST_TIMEOUT_MS, startLocalTables, type LocalTables } from './local-tables';
export { RouteTable } from './route-table';
export { storefrontSite } from './web/storefront-site';
export { LambdaRuntime, type FunctionConfig, type InvokeResult, type RuntimeLogLine } from './lambda-runtime';
export { startLambdaApi, type LambdaApi } from './lambda-api';
export { startApiGateway, type ApiGateway, type RouteBinding } from './api-gateway';
export { startSqsServer, type SqsServerOptions } from './sqs/sqs-server';
export { ensureQueues, type LocalQueue, type QueueAddress } from './sqs/queues';
export { QueuePoller, type QueuePollerOptions } from './sqs/queue-poller';
export {
  StepFunctions,
  StepFunctionsError,
  type ExecutionDescription,
  type ExecutionStatus,
  type StepFunctionsOptions,
} from './step-functions/step-functions';
export { startStepFunctionsApi } from './step-functions/sfn-api';
export { ParameterStore, ParameterStoreError, startParameterStoreApi } from './ssm/parameter-store';
export { prepareDefinition, DefinitionError, type PreparedDefinition, type TaskPlan } from './step-functions/prepare-definition';
export { loadStateMachines, type ManifestStateMachine } from './step-functions/manifest-state-machines';
export { stateMachineArn, executionArn } from './step-functions/arns';
export { DeliveryTrace, originOfEvent, type InvocationOrigin, type MessagePattern, type TraceEntry } from './trace';
export { MetricsCollector, type MetricSeries } from './metrics-collector';
export { type HistoryEvent, statePath } from './step-functions/execution-history';
export { Outbox, type OutboxMessage, type OutboxChannel } from './outbox';
export { LocalEventBus, type BusRule, type RuleTarget } from './eventbridge/event-bus';
export { matchesPattern, patternProblems } from './eventbridge/event-pattern';
export { startEventBridgeApi } from './eventbridge/eventbridge-api';
export { LocalSns } from './sns/local-sns';
export { startSnsApi } from './sns/sns-api';
export { startSesApi } from './ses/sesv2-api';
export { AsyncInvocations, type AsyncInvokeConfig } from './async-invoke/async-invocations';
export { StreamPoller, type StreamPollerOptions } from './dynamodb-streams/stream-poller';
export { LocalScheduler, type LocalSchedule } from './scheduler/local-scheduler';
export { scheduleExpressionProblems } from './scheduler/schedule-expression';
export { FaultInjector, FAULT_KINDS, FaultSpecError, parseFaultSpecs, type ActiveFault, type FaultKind, type FaultSpec } from './faults';
export { startPaymentProvider, type Charge, type Ledger, type PaymentProvider, type Refund } from './payment-provider';
export { UsageMeter, usageBetween, type FunctionUsage, type TableUsage, type UsageSnapshot, type UsageSources } from './usage/usage-meter';
