import { readFileSync } from 'node:fs';
import { checkoutDefinitionPath } from '../src';

/** The fields of a state that the tests look at. */
export interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  TimeoutSecondsPath?: string;
  ResultPath?: string | null;
  Next?: string;
  Default?: string;
  Choices?: { Next: string }[];
  Retry?: { ErrorEquals: string[]; IntervalSeconds?: number; BackoffRate?: number; MaxAttempts?: number; MaxDelaySeconds?: number; JitterStrategy?: string }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
  Error?: string;
}

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
}

/** The definition as the file holds it, read afresh for every test that changes it. */
export function loadCheckoutDefinition(): AslDefinition {
  return JSON.parse(readFileSync(checkoutDefinitionPath, 'utf8')) as AslDefinition;
}

export function taskStates(definition: AslDefinition): [string, AslState][] {
  return Object.entries(definition.States).filter(([, state]) => state.Type === 'Task');
}

/** The `service/function` a Task state runs: its Resource placeholder, or its FunctionName for an `arn:aws:states:::lambda:invoke*` integration. */
export function taskFunctionRef(state: AslState): string | undefined {
  const named = state.Resource?.startsWith('arn:aws:states:::lambda:invoke') ? state.Parameters?.['FunctionName'] : state.Resource;
  const match = typeof named === 'string' ? named.match(/^\$\{([^}]+)\}$/) : null;
  return match?.[1];
}
