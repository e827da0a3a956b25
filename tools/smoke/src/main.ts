import { apiUrlFromOutputs } from './api-url';
import { type SmokeMode, smokeTest } from './smoke';

// `npm run smoke -- --stage dev --outputs platform-outputs.json` (or `--api-url https://…`): the
// full check on dev, the read-only one on prod. SHOP_SMOKE_ADMIN_EMAIL and
// SHOP_SMOKE_ADMIN_PASSWORD, when set, let it put a product in stock on a fresh dev stage.
const USAGE = 'usage: npm run smoke -- --stage dev|prod (--outputs <terraform output -json file> | --api-url <url>)';

function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  const at = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return undefined;
  const arg = args[at]!;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[at + 1];
}

async function main(): Promise<void> {
  const stage = option('stage');
  if (stage !== 'dev' && stage !== 'prod') throw new Error(`--stage is ${stage ?? 'missing'}: ${USAGE}`);
  const outputs = option('outputs');
  const apiUrl = option('api-url') ?? (outputs ? apiUrlFromOutputs(outputs) : undefined);
  if (!apiUrl) throw new Error(USAGE);
  const mode: SmokeMode = stage === 'prod' ? 'read-only' : 'full';
  const email = process.env['SHOP_SMOKE_ADMIN_EMAIL'];
  const password = process.env['SHOP_SMOKE_ADMIN_PASSWORD'];
  console.log(`smoke test of ${stage} (${mode}) at ${apiUrl}`);
  const passed = await smokeTest({ apiUrl, mode, log: (line) => console.log(line), ...(email && password && { admin: { email, password } }) });
  console.log(`${passed.length} passed, 0 failed`);
}

main().catch((error: unknown) => {
  console.error(`smoke: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
