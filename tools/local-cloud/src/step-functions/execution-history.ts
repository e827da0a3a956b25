import type { StateMachine } from 'aws-local-stepfunctions';

/**
 * An execution's history as the Step Functions console shows it (GetExecutionHistory's events):
 * each state entered and exited with its input and output, each failure with its error and
 * cause, from the events aws-local-stepfunctions logs while it runs the definition.
 *
 * The types are AWS's (`ExecutionStarted`, `TaskStateEntered`, `ChoiceStateExited`, `TaskFailed`,
 * `FailStateEntered`, `ExecutionFailed`, …), flattened: `stateName`, `input`, `output`, `error`,
 * `cause` sit on the event rather than in a `…EventDetails` object, and input and output are JSON
 * values rather than JSON text. One type is ours: `StateRetried` (`retryAttempt` from 1), where the
 * console shows the task scheduled again.
 */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  /** ISO 8601. */
  timestamp: string;
  type: string;
  stateName?: string;
  input?: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  retryAttempt?: number;
}

type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

const EXECUTION_TYPES: Record<string, string> = {
  ExecutionStarted: 'ExecutionStarted',
  ExecutionSucceeded: 'ExecutionSucceeded',
  ExecutionFailed: 'ExecutionFailed',
  ExecutionAborted: 'ExecutionAborted',
  ExecutionTimeout: 'ExecutionTimedOut',
};

/** The history event of one of the library's events, or none for those the console does not show. */
export function historyEvent(log: EventLog, id: number): HistoryEvent | undefined {
  const base = { id, previousEventId: id - 1, timestamp: new Date(log.timestamp).toISOString() };
  switch (log.type) {
    case 'ExecutionStarted':
      return { ...base, type: 'ExecutionStarted', input: log.input };
    case 'ExecutionSucceeded':
      return { ...base, type: 'ExecutionSucceeded', output: log.output };
    case 'ExecutionFailed':
      return { ...base, type: 'ExecutionFailed', error: log.Error, cause: causeText(log.Cause) };
    case 'ExecutionAborted':
    case 'ExecutionTimeout':
      return { ...base, type: EXECUTION_TYPES[log.type] ?? log.type };
    case 'StateEntered':
      return { ...base, type: `${log.state.type}StateEntered`, stateName: log.state.name, input: log.state.input };
    case 'StateExited':
      return { ...base, type: `${log.state.type}StateExited`, stateName: log.state.name, output: log.state.output };
    case 'StateFailed':
      // A Fail state's failure is the execution's: the console shows FailStateEntered, then ExecutionFailed.
      if (log.state.type === 'Fail') return undefined;
      return { ...base, type: `${log.state.type}Failed`, stateName: log.state.name, error: log.Error, cause: causeText(log.Cause) };
    case 'StateRetried':
      return { ...base, type: 'StateRetried', stateName: log.state.name, retryAttempt: log.retry.attempt };
    default:
      // A catch shows as the next state entered; Map iterations and Parallel branches keep the library's names.
      return log.type === 'StateCaught' ? undefined : { ...base, type: log.type };
  }
}

/** The states an execution went through, in order: what "the path it took" means in the console's graph. */
export function statePath(history: readonly HistoryEvent[]): string[] {
  return history.filter((e) => e.type.endsWith('StateEntered') && e.stateName).map((e) => e.stateName as string);
}

function causeText(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause) ?? String(cause);
}
