import { AdminAddUserToGroupCommand, AdminCreateUserCommand, AdminGetUserCommand, CognitoIdentityProviderClient, UserNotFoundException } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { passwordPolicyViolations, User } from '@shop/contracts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeAdmin, temporaryPasswordFor } from '../src/make-admin';

const ssm = mockClient(SSMClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const dynamodb = mockClient(DynamoDBDocumentClient);
const tools = () => ({
  ssm: new SSMClient({ region: 'eu-west-1' }),
  cognito: new CognitoIdentityProviderClient({ region: 'eu-west-1' }),
  dynamodb: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })),
  now: () => new Date('2026-05-01T10:00:00.000Z'),
});

beforeEach(() => {
  ssm.reset();
  cognito.reset();
  dynamodb.reset();
  ssm.on(GetParameterCommand, { Name: '/shop/dev/user-pool/id' }).resolves({ Parameter: { Value: 'eu-west-1_Pool' } });
});

describe('make-admin', () => {
  it("creates the account with a temporary password, puts it in ADMIN and writes its profile as user-service reads it", async () => {
    cognito.on(AdminGetUserCommand).rejects(new UserNotFoundException({ message: 'no', $metadata: {} }));
    cognito.on(AdminCreateUserCommand).resolves({ User: { Attributes: [{ Name: 'sub', Value: 'sub-1' }] } });

    const result = await makeAdmin(tools(), { stage: 'dev', email: 'Ann@Example.com', name: 'Ann Admin' });

    expect(result).toMatchObject({ userId: 'sub-1', email: 'ann@example.com', userPoolId: 'eu-west-1_Pool' });
    expect(passwordPolicyViolations(result.temporaryPassword!)).toEqual([]);
    const create = cognito.commandCalls(AdminCreateUserCommand)[0]!.args[0].input;
    expect(create).toMatchObject({ UserPoolId: 'eu-west-1_Pool', Username: 'ann@example.com', TemporaryPassword: result.temporaryPassword, MessageAction: 'SUPPRESS' });
    expect(create.UserAttributes).toContainEqual({ Name: 'email_verified', Value: 'true' });
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)[0]!.args[0].input).toEqual({ UserPoolId: 'eu-west-1_Pool', Username: 'ann@example.com', GroupName: 'ADMIN' });
    const put = dynamodb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put.TableName).toBe('shop-dev-user-service-users');
    expect(User.parse(put.Item)).toEqual(put.Item);
    expect(put.Item).toMatchObject({ userId: 'sub-1', email: 'ann@example.com', name: 'Ann Admin', role: 'ADMIN', createdAt: '2026-05-01T10:00:00.000Z' });
    expect(put.ConditionExpression).toBe('attribute_not_exists(userId)');
  });

  it('promotes an account that exists, keeping its password and profile', async () => {
    cognito.on(AdminGetUserCommand).resolves({ UserAttributes: [{ Name: 'sub', Value: 'sub-2' }] });
    const result = await makeAdmin(tools(), { stage: 'prod', email: 'bob@example.com', name: 'Bob' }).catch((e: Error) => e);
    // prod's parameter was not mocked: the stage decides where the pool is read.
    expect(result).toBeInstanceOf(Error);

    ssm.on(GetParameterCommand, { Name: '/shop/prod/user-pool/id' }).resolves({ Parameter: { Value: 'eu-west-1_Prod' } });
    const promoted = await makeAdmin(tools(), { stage: 'prod', email: 'bob@example.com', name: 'Bob' });
    expect(promoted.temporaryPassword).toBeUndefined();
    expect(cognito.commandCalls(AdminCreateUserCommand)).toEqual([]);
    expect(dynamodb.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'shop-prod-user-service-users',
      Key: { userId: 'sub-2' },
      ExpressionAttributeValues: { ':role': 'ADMIN' },
    });
  });

  it('makes temporary passwords that keep the policy, and differ', () => {
    const passwords = Array.from({ length: 50 }, temporaryPasswordFor);
    for (const password of passwords) expect(passwordPolicyViolations(password)).toEqual([]);
    expect(new Set(passwords).size).toBe(50);
  });
});
