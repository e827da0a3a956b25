/**
 * What other tools use of the operator commands: the replay of order-events' dead-letter queue and
 * of the on-failure queues of asynchronous invokes, which the end-to-end suite runs against the
 * local cloud. The commands themselves are the `*-main.ts` files, run by `npm run <command>`.
 */
export {
  formatReport,
  formatSummary,
  replayClients,
  replayStream,
  UNPUBLISHED_CHANGES,
  type MessageReport,
  type RecordLine,
  type ReplayClientsConfig,
  type ReplayRequest,
  type ReplaySummary,
  type ReplayTools,
} from './replay-stream';
export {
  DEFAULT_MAX,
  failureReplayClients,
  formatFailureReport,
  formatFailuresSummary,
  onFailureQueue,
  onFailureQueues,
  replayFailures,
  type FailureReplayClientsConfig,
  type FailureReport,
  type FailuresSummary,
  type OnFailureQueue,
  type ReplayFailuresRequest,
  type ReplayFailuresTools,
} from './replay-failures';
