import { randomBytes } from 'node:crypto';
import type { JsonValue } from './prepare-definition';
import { TaskFailedError } from './task-failed-error';

/**
 * The task tokens of `.waitForTaskToken` states: minted when such a state starts, settled by
 * SendTaskSuccess or SendTaskFailure, closed when the state times out or its execution ends.
 * Answers as Step Functions does: a token it never issued does not exist; one whose task is
 * over (settled, timed out, its execution ended) has timed out.
 */

export type TaskTokenErrorCode = 'TaskDoesNotExist' | 'TaskTimedOut';

export class TaskTokenError extends Error {
  constructor(
    readonly code: TaskTokenErrorCode,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export interface OpenTaskToken {
  token: string;
  /** Resolves with the output of SendTaskSuccess; rejects with a TaskFailedError. */
  outcome: Promise<JsonValue>;
}

interface OpenEntry {
  owner: string;
  resolve: (output: JsonValue) => void;
  reject: (error: Error) => void;
  timers: NodeJS.Timeout[];
}

/**
 * Once a state's timeout has passed its token is closed at once, but its wait rejects only
 * this much later: aws-local-stepfunctions times the state out itself, with its own
 * `States.Timeout` error, which is the one its Catch and Retry rules recognize.
 */
const REJECT_AFTER_TIMEOUT_MS = 1_000;

export class TaskTokens {
  private readonly open = new Map<string, OpenEntry>();
  /** Tokens whose task is over; kept for the life of the local cloud, to answer TaskTimedOut. */
  private readonly closed = new Set<string>();

  /**
   * Mints a token for a task of `owner` (an execution ARN).
   * @param timeoutMs when the waiting state times out; absent: it waits as long as its execution runs.
   */
  mint(owner: string, timeoutMs?: number): OpenTaskToken {
    const token = randomBytes(96).toString('base64url');
    const outcome = new Promise<JsonValue>((resolve, reject) => {
      const entry: OpenEntry = { owner, resolve, reject, timers: [] };
      if (timeoutMs !== undefined) {
        entry.timers.push(
          setTimeout(() => {
            this.close(token);
            setTimeout(() => reject(new TaskFailedError('States.Timeout', 'The task timed out')), REJECT_AFTER_TIMEOUT_MS).unref();
          }, timeoutMs),
        );
      }
      this.open.set(token, entry);
    });
    // The state machine may already have moved on (a timeout, an aborted execution).
    outcome.catch(() => undefined);
    return { token, outcome };
  }

  succeed(token: string, output: JsonValue): void {
    this.settle(token).resolve(output);
  }

  fail(token: string, error: string, cause: string): void {
    this.settle(token).reject(new TaskFailedError(error, cause));
  }

  /** Throws unless the token's task is waiting; answers nothing (there is no heartbeat timeout locally). */
  heartbeat(token: string): void {
    this.entry(token);
  }

  /** The execution `owner` ended: its tasks are over. */
  closeOwnedBy(owner: string, reason: string): void {
    for (const [token, entry] of this.open) {
      if (entry.owner !== owner) continue;
      this.close(token);
      entry.reject(new TaskFailedError('States.Runtime', reason));
    }
  }

  /** Ends every wait (the local cloud stops). */
  closeAll(reason: string): void {
    for (const entry of this.open.values()) this.closeOwnedBy(entry.owner, reason);
  }

  private settle(token: string): OpenEntry {
    const entry = this.entry(token);
    this.close(token);
    return entry;
  }

  private entry(token: string): OpenEntry {
    const entry = this.open.get(token);
    if (entry) return entry;
    if (this.closed.has(token)) throw new TaskTokenError('TaskTimedOut', 'Task Timed Out: Provided task does not exist anymore');
    throw new TaskTokenError('TaskDoesNotExist', 'Task does not exist: the token was not issued by this state machine service');
  }

  private close(token: string): void {
    const entry = this.open.get(token);
    if (!entry) return;
    for (const timer of entry.timers) clearTimeout(timer);
    entry.timers = [];
    this.open.delete(token);
    this.closed.add(token);
  }
}
