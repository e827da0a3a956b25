/**
 * The AWS SDK commands the services send, re-exported from the one copy of the SDK that ships
 * in the common-utils layer with the clients of `./clients`. Functions import commands from
 * `@shop/common`, never values from `@aws-sdk/*` (lint refuses it), so that a function bundle
 * carries no SDK of its own and every command meets the client it was built with. Type-only
 * imports from the SDK are fine: they leave nothing in a bundle.
 *
 * A new command is one more line here.
 */
export {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
export { InvokeCommand } from '@aws-sdk/client-lambda';
export { SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
export { SendMessageCommand } from '@aws-sdk/client-sqs';
export {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminDeleteUserCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
export { PutEventsCommand } from '@aws-sdk/client-eventbridge';
export { PublishCommand } from '@aws-sdk/client-sns';
export { SendEmailCommand } from '@aws-sdk/client-sesv2';
export { unmarshall } from '@aws-sdk/util-dynamodb';
