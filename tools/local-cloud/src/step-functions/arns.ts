import { DEFAULT_REGION, LOCAL_ACCOUNT_ID } from '../lambda-runtime';

/** ARNs as Step Functions spells them, in the local account. */

export function stateMachineArn(physicalName: string, region = DEFAULT_REGION): string {
  return `arn:aws:states:${region}:${LOCAL_ACCOUNT_ID}:stateMachine:${physicalName}`;
}

/** `arn:aws:states:<region>:<account>:execution:<machine name>:<execution name>` */
export function executionArn(machineArn: string, executionName: string): string {
  return `${machineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
}

/** The machine's ARN from an execution's, or undefined when `arn` is not an execution ARN. */
export function machineArnOfExecution(arn: string): string | undefined {
  const match = /^(arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}):execution:([^:]+):[^:]+$/.exec(arn);
  return match ? `${match[1]}:stateMachine:${match[2]}` : undefined;
}
