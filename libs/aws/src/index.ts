/**
 * The AWS SDK clients the functions use, one each per warm instance, configured alike: endpoints
 * from the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` (how the local cloud points them at its
 * emulators), three attempts. Bundled into each function, not shipped in a layer: a function then
 * loads only the clients and commands it uses, tree-shaken (docs/decisions.md #19).
 */
export { clientOptions, invokeClientOptions, memo } from './client-options';
export { dynamoClient, dynamoDocumentClient } from './dynamodb';
export { type TableAccess, tableAccess, type TableAccessOptions, type TableOption } from './table-access';
export { type PageRequest, queryPage, type QueryPage } from './query-page';
export { lambdaClient } from './lambda';
export { lambdaStreamRecord, type StreamSource } from './stream-record';
export { cognitoClient } from './cognito';
export { sfnClient } from './sfn';
export { sqsClient } from './sqs';
export { eventBridgeClient } from './eventbridge';
export { snsClient } from './sns';
export { sesClient } from './ses';
export { maskRecipient, sendingTo, withoutRecipient } from './recipient-errors';
export { batchGetAll, BATCH_GET_MAX_KEYS, type BatchGetAllRequest, type BatchGetAllOptions } from './batch-get';
export { conditionHeld, isConditionalCheckFailed, transactionCancellationReasons, whenConditionHolds } from './conditional-check';
export { CONFLICT_ATTEMPTS, type ConflictDelay, isTransactionConflict, jitteredConflictDelay, retryConflicts } from './transaction-conflicts';
export { type FunctionInvoker, InvokedFunctionError, type LambdaInvokerOptions, lambdaFunctionInvoker } from './function-invoker';
export {
  type EventBridgePublisherOptions,
  eventBridgePublisher,
  type EventPublisher,
  MAX_BYTES_PER_PUT,
  MAX_ENTRIES_PER_PUT,
  type PublishOutcome,
  putEventsEntrySize,
} from './event-publisher';
