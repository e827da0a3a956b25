import { join } from 'node:path';
import { createProjectGraphAsync, workspaceRoot } from '@nx/devkit';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The module boundaries (eslint.config.mjs) hold: each case lints a made-up file, as `nx lint`
 * would (ESLint run from the file's project, with that project's config), and expects the rule
 * that forbids it to report. The files are never written; only their paths place them.
 */

interface Problem {
  rule: string | null;
  message: string;
}

async function lint(file: string, code: string): Promise<Problem[]> {
  const project = projectOf(file);
  const eslint = new ESLint({ cwd: join(workspaceRoot, project) });
  const [result] = await eslint.lintText(code, { filePath: join(workspaceRoot, file) });
  return (result?.messages ?? []).map((m) => ({ rule: m.ruleId, message: m.message }));
}

/** The project folder of a file: `apps/order-service/src/x.ts` → `apps/order-service`; infra sits at the root. */
function projectOf(file: string): string {
  const [top = '', name = ''] = file.split('/');
  return top === 'infra' ? top : `${top}/${name}`;
}

const boundary = (problems: Problem[]) => problems.filter((p) => p.rule === '@nx/enforce-module-boundaries');
const restricted = (problems: Problem[]) => problems.filter((p) => p.rule === '@typescript-eslint/no-restricted-imports');

describe('module boundaries', () => {
  // The rule reads the cached project graph; make sure there is one (a fresh clone has none).
  beforeAll(async () => {
    await createProjectGraphAsync({ exitOnError: false });
  }, 120_000);

  it('let a service use the shared libs (the control: the cases below fail for their import alone)', async () => {
    const problems = await lint('apps/order-service/src/handlers/probe.ts', "import { NotFoundError } from '@shop/common';\n\nexport const probe = NotFoundError;\n");
    expect(problems).toEqual([]);
  }, 60_000);

  // Readers of the manifests load them at run time (libs/platform's loadServices); importing one would tie a lib to every service.
  it('forbid a lib to import an app', async () => {
    const problems = await lint('libs/api-client/src/probe.ts', "import { service } from '@shop/order-service';\n\nexport const probe = service;\n");
    expect(boundary(problems).map((p) => p.message)).toEqual(['Imports of apps are forbidden']);
  }, 60_000);

  // libs/common (the Lambda-side runtime) builds on libs/platform (the model), never the reverse.
  it('forbid the platform model to import the Lambda runtime', async () => {
    const problems = await lint('libs/platform/src/probe.ts', "import { logger } from '@shop/common';\n\nexport const probe = logger;\n");
    expect(boundary(problems).map((p) => p.message)).toEqual([expect.stringContaining('Circular dependency between "platform" and "common"')]);
  }, 60_000);

  it('forbid a service to import a tool or infra', async () => {
    const tool = await lint('apps/order-service/src/handlers/probe.ts', "import { startLocalCloud } from '@shop/local-cloud';\n\nexport const probe = startLocalCloud;\n");
    expect(boundary(tool).map((p) => p.message)).toEqual(['A project tagged with "type:service" can only depend on libs tagged with "type:lib"']);
    const infra = await lint('apps/order-service/src/handlers/probe.ts', "import { serviceStack } from '@shop/infra';\n\nexport const probe = serviceStack;\n");
    expect(boundary(infra)).toHaveLength(1);
  }, 60_000);

  it("let a service's tests start the emulators, and nothing else of the tools", async () => {
    const emulator = await lint('apps/order-service/test/probe.test.ts', "import { startLocalTables } from '@shop/local-cloud';\n\nexport const probe = startLocalTables;\n");
    expect(emulator).toEqual([]);
    const tool = await lint('apps/order-service/test/probe.test.ts', "import { openApiDocument } from '@shop/docs-gen';\n\nexport const probe = openApiDocument;\n");
    expect(boundary(tool).map((p) => p.message)).toEqual([
      'A project tagged with "type:service" can only depend on libs tagged with "type:lib", "role:emulator"',
    ]);
  }, 60_000);

  it("forbid deep imports into another project's files", async () => {
    const problems = await lint(
      'apps/order-service/test/probe.test.ts',
      "import { startLocalTables } from '@shop/local-cloud/src/local-tables';\n\nexport const probe = startLocalTables;\n",
    );
    expect(restricted(problems).map((p) => p.message)).toEqual([expect.stringContaining('from its public entry point')]);
  }, 60_000);

  it('keep I/O out of a service domain', async () => {
    const aws = await lint(
      'apps/order-service/src/domain/probe.ts',
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\n\nexport const probe = new DynamoDBClient({});\n",
    );
    expect(restricted(aws).map((p) => p.message)).toEqual([expect.stringContaining('The domain has no I/O')]);
    const adapter = await lint('apps/order-service/src/domain/probe.ts', "import { orders } from '../adapters/orders';\n\nexport const probe = orders;\n");
    expect(restricted(adapter)).toHaveLength(1);
    const logger = await lint('apps/order-service/src/domain/probe.ts', "import { logger } from '@shop/common';\n\nexport const probe = logger;\n");
    expect(restricted(logger).map((p) => p.message)).toEqual([expect.stringContaining('The domain has no I/O')]);
    const env = await lint('apps/order-service/src/domain/probe.ts', 'export const probe = process.env.TABLE;\n');
    expect(env.map((p) => p.rule)).toEqual(['no-restricted-globals']);
  }, 60_000);

  it("let a domain take errors, pure helpers and types from @shop/common", async () => {
    const problems = await lint(
      'apps/order-service/src/domain/probe.ts',
      "import { type Logger, NotFoundError } from '@shop/common';\n\nexport const probe = (log: Logger) => new NotFoundError(String(log));\n",
    );
    expect(problems).toEqual([]);
  }, 60_000);

  it('keep I/O out of libs/contracts', async () => {
    const problems = await lint('libs/contracts/src/probe.ts', "import { readFileSync } from 'node:fs';\n\nexport const probe = readFileSync;\n");
    expect(restricted(problems).map((p) => p.message)).toEqual([expect.stringContaining('The domain has no I/O')]);
  }, 60_000);

  it('let the web app use only the browser libs', async () => {
    const problems = await lint('apps/storefront/src/probe.ts', "import { NotFoundError } from '@shop/common';\n\nexport const probe = NotFoundError;\n");
    expect(boundary(problems).map((p) => p.message)).toEqual(['A project tagged with "type:web" can only depend on libs tagged with "platform:browser"']);
  }, 60_000);
});
