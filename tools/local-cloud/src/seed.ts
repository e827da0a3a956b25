import {
  AdminAddUserToGroupCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { passwordPolicyViolations, type Role } from '@shop/contracts';
import { LOCAL_AWS } from './local-aws';
import type { LocalCloud } from './local-cloud';

/**
 * Demo data for a fresh local cloud: an ADMIN and a MANAGER account and a few products.
 * Everything goes through the public API, as a person would do it (register, log in,
 * create products), except what no public route does: making a user staff, which in AWS
 * an operator does with `AdminAddUserToGroup` and a profile update, in which the staff's
 * e-mail addresses, the shop's own, are marked verified.
 */

export interface SeedAccount {
  email: string;
  password: string;
  name: string;
  role: Extract<Role, 'ADMIN' | 'MANAGER'>;
}

export interface SeededProduct {
  productId: string;
  name: string;
}

export interface SeedResult {
  admin: SeedAccount;
  manager: SeedAccount;
  products: SeededProduct[];
  /** False when the data was already there (a persisted local cloud) and nothing was created. */
  created: boolean;
}

export const SEED_ADMIN: SeedAccount = {
  email: 'admin@shop.local',
  password: 'Admin-Passw0rd',
  name: 'Shop Admin',
  role: 'ADMIN',
};

export const SEED_MANAGER: SeedAccount = {
  email: 'manager@shop.local',
  password: 'Manager-Passw0rd',
  name: 'Shop Manager',
  role: 'MANAGER',
};

const SEED_PRODUCTS = [
  { name: 'Espresso Beans, 1 kg', description: 'Whole-bean arabica, medium roast.', amount: 2490, stock: 120 },
  { name: 'Ceramic Pour-Over Dripper', description: 'Fits most mugs; uses size 02 filters.', amount: 3400, stock: 40 },
  { name: 'Gooseneck Kettle', description: '1 litre, stovetop, with thermometer.', amount: 6900, stock: 25 },
  { name: 'Hand Grinder', description: 'Conical steel burrs, 40 grind settings.', amount: 8900, stock: 15 },
  { name: 'Paper Filters, 100 pack', description: 'Unbleached, size 02.', amount: 790, stock: 500 },
] as const;

/** What seeding needs of a local cloud. */
export type SeedTarget = Pick<LocalCloud, 'apiUrl' | 'endpoints' | 'userPool' | 'tableName'>;

export interface SeedOptions {
  /** Progress and warnings. */
  log?: (line: string) => void;
}

/** Seeds a local cloud once: when the admin account exists already, it only reports what is there. */
export async function seed(cloud: SeedTarget, options: SeedOptions = {}): Promise<SeedResult> {
  const log = options.log ?? (() => undefined);
  for (const account of [SEED_ADMIN, SEED_MANAGER]) {
    const broken = passwordPolicyViolations(account.password);
    if (broken.length > 0) throw new Error(`seed password of ${account.email} ${broken.join(', ')}`);
  }

  const cognito = new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint: cloud.endpoints.cognito });
  const dynamodb = new DynamoDBClient({ ...LOCAL_AWS, endpoint: cloud.endpoints.dynamodb });
  try {
    if (await userExists(cognito, cloud.userPool.id, SEED_ADMIN.email)) {
      const page = (await api(cloud.apiUrl, 'GET', '/products?limit=5', { expect: 200 })) as { items: SeededProduct[] };
      return { admin: SEED_ADMIN, manager: SEED_MANAGER, products: page.items.map(pickProduct), created: false };
    }

    const staff = { cognito, dynamodb, usersTable: cloud.tableName('user-service', 'users'), log };
    for (const account of [SEED_ADMIN, SEED_MANAGER]) await createStaffAccount(cloud, staff, account);

    const { token } = (await api(cloud.apiUrl, 'POST', '/users/login', {
      body: { email: SEED_ADMIN.email, password: SEED_ADMIN.password },
      expect: 200,
    })) as { token: string };
    const products: SeededProduct[] = [];
    for (const p of SEED_PRODUCTS) {
      const created = await api(cloud.apiUrl, 'POST', '/products', {
        token,
        body: { name: p.name, description: p.description, price: { amount: p.amount, currency: 'USD' }, stock: p.stock },
        expect: 201,
      });
      products.push(pickProduct(created as SeededProduct));
    }
    return { admin: SEED_ADMIN, manager: SEED_MANAGER, products, created: true };
  } finally {
    cognito.destroy();
    dynamodb.destroy();
  }
}

interface StaffTools {
  cognito: CognitoIdentityProviderClient;
  dynamodb: DynamoDBClient;
  usersTable: string;
  log: (line: string) => void;
}

/** Registers the account like any customer, then makes it staff: the role's group, and the role and a verified e-mail address in its profile. */
async function createStaffAccount(cloud: SeedTarget, tools: StaffTools, account: SeedAccount): Promise<void> {
  const registered = (await api(cloud.apiUrl, 'POST', '/users/register', {
    body: { email: account.email, password: account.password, name: account.name },
    expect: 201,
  })) as { userId: string };

  await tools.cognito.send(
    new AdminAddUserToGroupCommand({ UserPoolId: cloud.userPool.id, Username: account.email, GroupName: account.role }),
  );

  // The profile's role is for display; access follows the token's groups. So a profile
  // that is not where we expect it is worth a warning, not a failed start (the staff then
  // get no e-mails until they verify their address through the API).
  try {
    await tools.dynamodb.send(
      new UpdateItemCommand({
        TableName: tools.usersTable,
        Key: { userId: { S: registered.userId } },
        UpdateExpression: 'SET #role = :role, #emailVerified = :true',
        ConditionExpression: 'attribute_exists(userId)',
        ExpressionAttributeNames: { '#role': 'role', '#emailVerified': 'emailVerified' },
        ExpressionAttributeValues: { ':role': { S: account.role }, ':true': { BOOL: true } },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    tools.log(`seed: no profile for ${account.email} (userId ${registered.userId}) in ${tools.usersTable}; role not set there`);
  }
}

async function userExists(cognito: CognitoIdentityProviderClient, userPoolId: string, email: string): Promise<boolean> {
  try {
    await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));
    return true;
  } catch (error) {
    if (error instanceof UserNotFoundException) return false;
    throw error;
  }
}

function pickProduct(p: SeededProduct): SeededProduct {
  return { productId: p.productId, name: p.name };
}

interface ApiCall {
  body?: unknown;
  token?: string;
  /** The status that means success; anything else fails with the answer in the message. */
  expect: number;
}

async function api(apiUrl: string, method: string, path: string, call: ApiCall): Promise<unknown> {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: {
      ...(call.body !== undefined && { 'content-type': 'application/json' }),
      ...(call.token && { authorization: `Bearer ${call.token}` }),
    },
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
  });
  const text = await response.text();
  if (response.status !== call.expect) {
    throw new Error(`seed: ${method} ${path} answered ${response.status} (expected ${call.expect}): ${text.slice(0, 500)}`);
  }
  return text ? (JSON.parse(text) as unknown) : undefined;
}
