/**
 * `npm run invoke -- <service>/<function> --event <file>`: one function, one event, as
 * `sam local invoke` does it. The function runs in the local cloud's Lambda runtime (its bundle,
 * its layers, the environment the manifests give it, the emulators it talks to), invoked through
 * the Lambda Invoke API; the answer goes to stdout as JSON and the function's log lines to stderr.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { ServiceManifest } from '@shop/platform';
import type { RuntimeLogLine } from './lambda-runtime';
import { LOCAL_AWS } from './local-aws';
import type { LocalCloud } from './local-cloud';

export interface InvokeOptions {
  service: string;
  function: string;
  /** Absolute path of the event file. */
  eventFile: string;
  /** Create the demo accounts and products first, so that events naming them find them. */
  seed: boolean;
  /** Show the local cloud's start-up on stderr. */
  verbose: boolean;
  help: boolean;
}

export const INVOKE_USAGE = `Usage: npm run invoke -- <service>/<function> --event <file> [options]

Starts the local cloud (DynamoDB Local, cognito-local, queues, the bus, every function), invokes
one function with the event in <file> through Lambda's Invoke API, prints its answer (stdout, as
JSON) and its log lines (stderr), and stops. Exits 1 when the function fails.
Sample events: apps/<service>/events/<function>/*.json.

Options:
  --event <file>  the event, JSON (required)
  --no-seed       skip the demo accounts and products
  --verbose       show the local cloud's start-up
  --help          show this and exit

Example:
  npm run invoke -- analytics-service/analytics-writer --event apps/analytics-service/events/analytics-writer/order-created.json
`;

/** Reads the command line; throws with a message naming what is wrong. */
export function parseInvokeArgs(argv: readonly string[], cwd: string): InvokeOptions {
  let target: string | undefined;
  let eventFile: string | undefined;
  const options = { seed: true, verbose: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg === '--no-seed') options.seed = false;
    else if (arg === '--verbose') options.verbose = true;
    else if (arg === '--event' || arg === '-e') {
      const next = argv[++i];
      if (next === undefined || next.startsWith('-')) throw new Error('--event needs a file');
      eventFile = resolve(cwd, next);
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else if (target === undefined) target = arg;
    else throw new Error(`one function at a time: got ${target} and ${arg}`);
  }
  if (options.help) return { service: '', function: '', eventFile: '', ...options };
  if (target === undefined) throw new Error('name the function: <service>/<function>');
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(target);
  if (!match) throw new Error(`the function is <service>/<function>, got ${target}`);
  if (eventFile === undefined) throw new Error('--event <file> is required');
  return { service: match[1] as string, function: match[2] as string, eventFile, ...options };
}

/** The manifest's answer to `service/function`, or a message listing what there is. */
export function functionProblem(services: readonly ServiceManifest[], service: string, fn: string): string | undefined {
  const manifest = services.find((s) => s.name === service);
  if (!manifest) return `no service ${service}; the services: ${services.map((s) => s.name).join(', ')}`;
  if (!(fn in manifest.functions)) return `${service} has no function ${fn}; its functions: ${Object.keys(manifest.functions).join(', ')}`;
  return undefined;
}

/** The event file's JSON; throws naming the file. */
export function readEvent(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the event file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`the event file ${file} is not JSON: ${(error as Error).message}`);
  }
}

export interface InvokeOutcome {
  requestId: string;
  /** Set when the function failed (Lambda's `X-Amz-Function-Error`). */
  functionError?: string;
  /** What the function answered: its result, or its error payload when it failed. */
  payload: unknown;
  /** The function's own lines for this request (and its instance's start-up), in order. */
  logs: string[];
}

/**
 * Collects the runtime's log lines, for `onFunctionLog`. A line belongs to an invocation when the
 * runtime tagged it with its request id, or with none (the instance starting up for it).
 */
export class LogCollector {
  private readonly lines: RuntimeLogLine[] = [];

  readonly add = (line: RuntimeLogLine): void => {
    this.lines.push(line);
  };

  of(functionName: string, requestId: string): string[] {
    return this.lines.filter((l) => l.functionName === functionName && (l.requestId === undefined || l.requestId === requestId)).map((l) => l.line);
  }
}

/** How long a function's last lines may take to arrive through its worker's pipe after it answered. */
const LOG_SETTLE_MS = 200;

/** Invokes `service/function` in a running local cloud through its Lambda API (RequestResponse). */
export async function invokeFunction(cloud: LocalCloud, logs: LogCollector, service: string, fn: string, event: unknown): Promise<InvokeOutcome> {
  const lambda = new LambdaClient({ ...LOCAL_AWS, endpoint: cloud.endpoints.lambda });
  const functionName = cloud.functionName(service, fn);
  try {
    const response = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }));
    const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : '';
    await new Promise((done) => setTimeout(done, LOG_SETTLE_MS));
    const requestId = response.$metadata.requestId ?? '';
    return {
      requestId,
      ...(response.FunctionError ? { functionError: response.FunctionError } : {}),
      payload: text === '' ? null : (JSON.parse(text) as unknown),
      logs: logs.of(functionName, requestId),
    };
  } finally {
    lambda.destroy();
  }
}
