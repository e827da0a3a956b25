import { randomUUID } from 'node:crypto';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import { DEFAULT_REGION, LOCAL_ACCOUNT_ID, type LambdaRuntime } from '../lambda-runtime';
import { executionArn as toExecutionArn, machineArnOfExecution, stateMachineArn as toStateMachineArn } from './arns';
import { type HistoryEvent, historyEvent } from './execution-history';
import type { JsonValue, PreparedDefinition } from './prepare-definition';
import { taskHandlers } from './task-handlers';
import { TaskTokens } from './task-tokens';

/**
 * Step Functions on the laptop: state machines run by aws-local-stepfunctions, their Task
 * states by the local Lambda runtime, and the API operations the services and tests use
 * (StartExecution, DescribeExecution, ListExecutions, StopExecution, SendTaskSuccess,
 * SendTaskFailure, SendTaskHeartbeat) with the answers and errors Step Functions gives.
 * `sfn-api.ts` serves this over HTTP for the SDK's `SFNClient`.
 */

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  /** JSON text, as given to StartExecution. */
  input: string;
  /** JSON text; SUCCEEDED executions only. */
  output?: string;
  error?: string;
  cause?: string;
}

/** An API error, named by the error code Step Functions answers with (`ExecutionDoesNotExist`, `TaskTimedOut`, …). */
export class StepFunctionsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export interface StepFunctionsOptions {
  runtime: LambdaRuntime;
  region?: string;
  /** One line when an execution ends other than SUCCEEDED, for a person. */
  log?: (line: string) => void;
}

export interface StateMachineRegistration {
  /** Physical name, e.g. `shop-local-checkout-orchestrator-checkout`. */
  name: string;
  prepared: PreparedDefinition;
}

interface Machine {
  arn: string;
  name: string;
  stateMachine: StateMachine;
  prepared: PreparedDefinition;
}

interface Execution {
  description: ExecutionDescription;
  /** Its history so far, as GetExecutionHistory answers it (execution-history.ts). */
  history: HistoryEvent[];
  abort: () => void;
  /** Settles when the execution has ended, whichever way. */
  ended: Promise<void>;
}

/** What StartExecution accepts as a name: 1–80 characters, none of whitespace, brackets, wildcards, specials or controls. */
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;
const MAX_LIST_RESULTS = 1000;

export class StepFunctions {
  private readonly machines = new Map<string, Machine>();
  private readonly executions = new Map<string, Execution>();
  private readonly tokens = new TaskTokens();
  private readonly region: string;
  private readonly log: (line: string) => void;
  private stopped = false;

  constructor(private readonly options: StepFunctionsOptions) {
    this.region = options.region ?? DEFAULT_REGION;
    this.log = options.log ?? (() => undefined);
  }

  /** Registers a state machine and answers its ARN; an invalid definition throws here, not at its first execution. */
  addStateMachine({ name, prepared }: StateMachineRegistration): string {
    const arn = toStateMachineArn(name, this.region);
    let stateMachine: StateMachine;
    try {
      stateMachine = new StateMachine(prepared.definition);
    } catch (error) {
      throw new Error(`state machine ${name}: ${(error as Error).message}`, { cause: error });
    }
    this.machines.set(arn, { arn, name, stateMachine, prepared });
    return arn;
  }

  stateMachineArns(): string[] {
    return [...this.machines.keys()];
  }

  /** Starts an execution, or answers the running one of the same name and input (StartExecution is idempotent so). */
  startExecution(request: { stateMachineArn: string; name?: string; input?: string }): { executionArn: string; startDate: Date } {
    if (this.stopped) throw new StepFunctionsError('ServiceUnavailable', 'The local Step Functions service is stopped');
    const machine = this.machine(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    if (!EXECUTION_NAME.test(name)) throw new StepFunctionsError('InvalidName', `Invalid Name: '${name}'`);
    const input = request.input ?? '{}';
    let parsedInput: JsonValue;
    try {
      parsedInput = JSON.parse(input) as JsonValue;
    } catch (error) {
      throw new StepFunctionsError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${(error as Error).message}'`);
    }

    const executionArn = toExecutionArn(machine.arn, name);
    const existing = this.executions.get(executionArn)?.description;
    if (existing) {
      // AWS: same name and input while it runs → the same execution; otherwise the name is taken.
      if (existing.status === 'RUNNING' && existing.input === input) return { executionArn, startDate: existing.startDate };
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }

    const description: ExecutionDescription = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      status: 'RUNNING',
      startDate: new Date(),
      input,
    };
    const run = machine.stateMachine.run(parsedInput as never, {
      overrides: {
        taskResourceLocalHandlers: taskHandlers(machine.prepared.tasks, {
          runtime: this.options.runtime,
          tokens: this.tokens,
          executionArn,
          log: (line) => this.log(`${machine.name}/${name}: ${line}`),
        }),
      },
      context: {
        Execution: { Id: executionArn, Name: name, RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${machine.name}`, RedriveCount: 0 },
        StateMachine: { Id: machine.arn, Name: machine.name },
      },
    });
    const history: HistoryEvent[] = [];
    void recordHistory(run.eventLogs, history);
    const ended = run.result.then(
      (output) => this.finish(description, { status: 'SUCCEEDED', output: JSON.stringify(output) }),
      (error: unknown) => this.finish(description, outcomeOf(error)),
    );
    this.executions.set(executionArn, { description, history, abort: run.abort, ended });
    return { executionArn, startDate: description.startDate };
  }

  describeExecution(executionArn: string): ExecutionDescription {
    return { ...this.execution(executionArn).description };
  }

  /** The execution's history so far, oldest event first. */
  executionHistory(executionArn: string): HistoryEvent[] {
    return this.execution(executionArn).history.map((e) => ({ ...e }));
  }

  /** Executions of every machine that match, newest first: by name, or by the `orderId` of their input. */
  findExecutions(by: { name?: string; orderId?: string }): ExecutionDescription[] {
    return [...this.executions.values()]
      .map((e) => e.description)
      .filter((d) => (by.name === undefined || d.name === by.name) && (by.orderId === undefined || orderIdOf(d.input) === by.orderId))
      .reverse()
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
      .map((d) => ({ ...d }));
  }

  /** Executions of a machine, newest first. */
  listExecutions(stateMachineArn: string, statusFilter?: ExecutionStatus): ExecutionDescription[] {
    const machine = this.machine(stateMachineArn);
    return [...this.executions.values()]
      .map((e) => e.description)
      .filter((d) => d.stateMachineArn === machine.arn && (!statusFilter || d.status === statusFilter))
      .reverse() // insertion order is start order; among equal start dates the later start comes first
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
      .slice(0, MAX_LIST_RESULTS)
      .map((d) => ({ ...d }));
  }

  stopExecution(executionArn: string, error?: string, cause?: string): Date {
    const execution = this.execution(executionArn);
    if (execution.description.status === 'RUNNING') {
      this.finish(execution.description, {
        status: 'ABORTED',
        ...(error !== undefined && { error }),
        ...(cause !== undefined && { cause }),
      });
      execution.abort();
    }
    return execution.description.stopDate ?? new Date();
  }

  sendTaskSuccess(taskToken: string, output: string): void {
    let parsed: JsonValue;
    try {
      parsed = JSON.parse(output) as JsonValue;
    } catch (error) {
      throw new StepFunctionsError('InvalidOutput', `Invalid Output: '${(error as Error).message}'`);
    }
    this.withToken(() => this.tokens.succeed(taskToken, parsed));
  }

  sendTaskFailure(taskToken: string, error?: string, cause?: string): void {
    this.withToken(() => this.tokens.fail(taskToken, error ?? '', cause ?? ''));
  }

  sendTaskHeartbeat(taskToken: string): void {
    this.withToken(() => this.tokens.heartbeat(taskToken));
  }

  /** Resolves once the execution is no longer RUNNING; rejects after `timeoutMs`. */
  async waitForExecution(executionArn: string, timeoutMs = 30_000): Promise<ExecutionDescription> {
    const execution = this.execution(executionArn);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`execution ${executionArn} is still ${execution.description.status} after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([execution.ended, timedOut]);
    } finally {
      clearTimeout(timer);
    }
    return this.describeExecution(executionArn);
  }

  /** Aborts every running execution and ends every wait for a task token. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.tokens.closeAll('the local cloud stopped');
    const running = [...this.executions.values()].filter((e) => e.description.status === 'RUNNING');
    for (const execution of running) this.stopExecution(execution.description.executionArn, 'States.Runtime', 'the local cloud stopped');
    await Promise.allSettled(running.map((e) => e.ended));
  }

  private finish(description: ExecutionDescription, outcome: Omit<Partial<ExecutionDescription>, 'status'> & { status: ExecutionStatus }): void {
    // StopExecution finishes first; the library's ExecutionAbortedError that follows changes nothing.
    if (description.status !== 'RUNNING') return;
    Object.assign(description, outcome, { stopDate: new Date() });
    this.tokens.closeOwnedBy(description.executionArn, `the execution ended ${outcome.status}`);
    if (outcome.status !== 'SUCCEEDED') {
      const why = [outcome.error, outcome.cause].filter(Boolean).join(': ');
      const machineName = description.stateMachineArn.split(':').pop();
      this.log(`execution ${description.name} of ${machineName} ${outcome.status}${why ? ` (${truncate(why)})` : ''}`);
    }
  }

  private machine(arn: string): Machine {
    const machine = this.machines.get(arn);
    if (machine) return machine;
    if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/.test(arn)) throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${arn}'`);
    throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
  }

  private execution(arn: string): Execution {
    const execution = this.executions.get(arn);
    if (execution) return execution;
    if (!machineArnOfExecution(arn)) throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${arn}'`);
    throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
  }

  private withToken(action: () => void): void {
    try {
      action();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string') throw new StepFunctionsError(code, (error as Error).message);
      throw error;
    }
  }
}

/** Keeps the library's events of a run as history events; the generator ends when the execution does. */
async function recordHistory(logs: AsyncGenerator<Parameters<typeof historyEvent>[0]>, history: HistoryEvent[]): Promise<void> {
  for await (const log of logs) {
    const event = historyEvent(log, history.length + 1);
    if (event) history.push(event);
  }
}

/** The order an execution is about: the checkout's input carries `orderId`. */
function orderIdOf(input: string): string | undefined {
  try {
    const id = (JSON.parse(input) as { orderId?: unknown } | null)?.orderId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** How the library's rejection of an execution reads in DescribeExecution. */
function outcomeOf(error: unknown): { status: ExecutionStatus; error?: string; cause?: string } {
  if (error instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution timed out' };
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  if (error instanceof ExecutionError && error.cause instanceof Error) {
    return { status: 'FAILED', error: error.cause.name, cause: error.cause.message };
  }
  return { status: 'FAILED', error: 'States.Runtime', cause: (error as Error)?.message ?? String(error) };
}

function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
