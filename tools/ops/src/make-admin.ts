import { randomInt } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  type CognitoIdentityProviderClient,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { physicalName } from '@shop/platform';
import { passwordPolicyViolations, User } from '@shop/contracts';
import type { Stage } from './options';

/**
 * Makes a stage's first ADMIN, as the local cloud seeds its admin (tools/local-cloud/src/seed.ts):
 * the account in the stage's user pool, in the ADMIN group, and its profile in user-service's
 * users table with the role ADMIN. Where seed.ts registers through the API, this creates the
 * account with AdminCreateUser and a temporary password (printed once, never e-mailed: Cognito's
 * invitation would go through its own sandboxed sender) and writes the profile itself, checked by
 * the `User` schema user-service reads it with. An account that exists already is promoted.
 */

export interface AdminTools {
  ssm: Pick<SSMClient, 'send'>;
  cognito: Pick<CognitoIdentityProviderClient, 'send'>;
  dynamodb: Pick<DynamoDBDocumentClient, 'send'>;
  now: () => Date;
}

export interface AdminRequest {
  stage: Stage;
  email: string;
  name: string;
}

export interface AdminResult {
  userId: string;
  email: string;
  userPoolId: string;
  /** Set when the account was created: shown once, to be changed at first sign-in. */
  temporaryPassword?: string;
}

/** The group (and profile role) this makes: the `ADMIN` of libs/contracts's roles. */
const ADMIN = 'ADMIN';

export async function makeAdmin(tools: AdminTools, request: AdminRequest): Promise<AdminResult> {
  const email = request.email.trim().toLowerCase();
  const userPoolId = await parameter(tools.ssm, `/shop/${request.stage}/user-pool/id`);
  const usersTable = physicalName(request.stage, 'user-service', 'users');

  const existing = await findUser(tools.cognito, userPoolId, email);
  let userId = existing;
  let temporaryPassword: string | undefined;
  if (!userId) {
    temporaryPassword = temporaryPasswordFor();
    const created = await tools.cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: email,
        TemporaryPassword: temporaryPassword,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          // The operator vouches for the address; the shop e-mails only verified ones.
          { Name: 'email_verified', Value: 'true' },
          { Name: 'name', Value: request.name },
        ],
      }),
    );
    userId = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
    if (!userId) throw new Error("AdminCreateUser answered without the new user's sub");
  }

  await tools.cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: email, GroupName: ADMIN }));

  if (temporaryPassword) {
    // The profile user-service would have written at registration, as an ADMIN's.
    const profile = User.parse({ userId, email, emailVerified: true, name: request.name, role: ADMIN, createdAt: tools.now().toISOString() });
    await tools.dynamodb.send(new PutCommand({ TableName: usersTable, Item: profile, ConditionExpression: 'attribute_not_exists(userId)' }));
  } else {
    try {
      await tools.dynamodb.send(
        new UpdateCommand({
          TableName: usersTable,
          Key: { userId },
          UpdateExpression: 'SET #role = :role',
          ConditionExpression: 'attribute_exists(userId)',
          ExpressionAttributeNames: { '#role': 'role' },
          ExpressionAttributeValues: { ':role': ADMIN },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw new Error(`${email} is in the user pool but has no profile in ${usersTable}: it is in the ADMIN group, but the profile must be fixed by hand`);
    }
  }
  return { userId, email, userPoolId, ...(temporaryPassword && { temporaryPassword }) };
}

async function parameter(ssm: Pick<SSMClient, 'send'>, name: string): Promise<string> {
  const out = await ssm.send(new GetParameterCommand({ Name: name }));
  const value = out.Parameter?.Value;
  if (!value) throw new Error(`the SSM parameter ${name} is empty: is the platform stack of this stage deployed?`);
  return value;
}

async function findUser(cognito: Pick<CognitoIdentityProviderClient, 'send'>, userPoolId: string, email: string): Promise<string | undefined> {
  try {
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));
    return user.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
  } catch (error) {
    if (error instanceof UserNotFoundException) return undefined;
    throw error;
  }
}

const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SYMBOLS = '-_.!';

/** 20 characters from every class (no look-alikes): within any password policy the pool may have. */
export function temporaryPasswordFor(): string {
  const all = LOWER + UPPER + DIGITS + SYMBOLS;
  const pick = (set: string) => set[randomInt(set.length)]!;
  const chars = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(SYMBOLS), ...Array.from({ length: 16 }, () => pick(all))];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  const password = chars.join('');
  const broken = passwordPolicyViolations(password);
  if (broken.length > 0) throw new Error(`a generated password ${broken.join(', ')}`);
  return password;
}
