import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { makeAdmin } from './make-admin';
import { parseOptions, regionFromEnvironment, stageOption, UsageError } from './options';

// `npm run make-admin -- --stage dev --email a@b.c [--name "Ann Admin"]`, with credentials for
// the stage's account and AWS_REGION set, as any AWS CLI command takes them.
async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), ['stage', 'email', 'name']);
  const stage = stageOption(options.stage);
  const email = options.email;
  if (!email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new UsageError("--email is required: the new administrator's address");
  const region = regionFromEnvironment();

  const ssm = new SSMClient({ region });
  const cognito = new CognitoIdentityProviderClient({ region });
  const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient({ region }));
  try {
    const result = await makeAdmin({ ssm, cognito, dynamodb, now: () => new Date() }, { stage, email, name: options.name ?? 'Shop Admin' });
    console.log(`${result.email} is an ADMIN of ${stage} (user ${result.userId}, pool ${result.userPoolId}).`);
    if (result.temporaryPassword) {
      console.log(`temporary password, shown once: ${result.temporaryPassword}`);
      console.log('it must be changed at the first sign-in: docs/deploying.md, "The first administrator", says how.');
    } else {
      console.log('the account existed: it keeps its password.');
    }
  } finally {
    ssm.destroy();
    cognito.destroy();
    dynamodb.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`make-admin: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
