import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DYNAMODB_COMMAND_ACTIONS, type TableAction, TRANSACTION_ITEM_ACTIONS } from '@shop/platform';

/**
 * The DynamoDB actions a function's bundle can call, read from what esbuild put in it: every
 * input file of the bundle that kept some bytes (the service's metafile says which), other than the
 * AWS SDK's own, is searched for the DynamoDB command classes it names. That finds the service's
 * adapters, the shared libs (`batchGetAll`) and libraries that call DynamoDB themselves
 * (Powertools' idempotency layer). The SDK is left out because it keeps commands nobody calls:
 * lib-dynamodb's paginators pull Query and Scan into every bundle that uses the document client.
 *
 * What this cannot tell: which table a command goes to (a bundle that calls GetCommand may call it
 * on any table the function knows), nor which method of an adapter a function uses (an adapter's
 * object is kept whole). So the check is per function and one-sided: a grant of an action no code
 * in the bundle names is certainly unused; an action the bundle names may still go ungranted on a
 * table it never touches with it. The layers (common-utils, auth) are no part of a bundle; neither
 * calls DynamoDB.
 */

const COMMAND = new RegExp(`\\b(${Object.keys(DYNAMODB_COMMAND_ACTIONS).join('|')})\\b`, 'g');
const TRANSACTION_ITEM = new RegExp(`\\b(${Object.keys(TRANSACTION_ITEM_ACTIONS).join('|')})\\s*:\\s*\\{`, 'g');
/** The SDK's own packages, whose command modules are kept whether or not anything calls them. */
const SDK_INPUT = /(^|\/)node_modules\/(@aws-sdk|@smithy)\//;

/** The part of esbuild's metafile read here: each bundle's input files and how much of each it kept. */
interface InputsMetafile {
  outputs: Readonly<Record<string, { inputs: Readonly<Record<string, { bytesInOutput: number }>> }>>;
}

/** The actions one source file can call, by the command classes it names. */
export function dynamoActionsInSource(source: string): Set<TableAction> {
  const actions = new Set<TableAction>();
  let transacts = false;
  for (const [, command] of source.matchAll(COMMAND)) {
    for (const action of DYNAMODB_COMMAND_ACTIONS[command!] ?? []) actions.add(action);
    if (command!.startsWith('TransactWrite')) transacts = true;
  }
  if (transacts) for (const [, item] of source.matchAll(TRANSACTION_ITEM)) actions.add(TRANSACTION_ITEM_ACTIONS[item!]!);
  return actions;
}

export class BundleActions {
  private readonly metafiles = new Map<string, InputsMetafile>();
  private readonly sources = new Map<string, Set<TableAction>>();

  /** @param buildRoot the directory holding `dist/` (the workspace root) */
  constructor(readonly buildRoot: string) {}

  /** What `dist/apps/<service>/<function>.js` can call on DynamoDB. */
  of(service: string, functionName: string): Set<TableAction> {
    const output = this.metafile(service).outputs[`dist/apps/${service}/${functionName}.js`];
    if (!output) throw new Error(`dist/apps/${service}/meta.json has no bundle for ${functionName}: build ${service} first`);
    const actions = new Set<TableAction>();
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (bytesInOutput === 0 || SDK_INPUT.test(input)) continue;
      for (const action of this.source(input)) actions.add(action);
    }
    return actions;
  }

  private metafile(service: string): InputsMetafile {
    let metafile = this.metafiles.get(service);
    if (!metafile) {
      metafile = JSON.parse(readFileSync(join(this.buildRoot, 'dist', 'apps', service, 'meta.json'), 'utf8')) as InputsMetafile;
      this.metafiles.set(service, metafile);
    }
    return metafile;
  }

  private source(input: string): Set<TableAction> {
    let actions = this.sources.get(input);
    if (!actions) {
      // esbuild names namespaced inputs (`<define:…>`, `(disabled):…`) that are no file: they call nothing.
      let text = '';
      try {
        text = readFileSync(join(this.buildRoot, input), 'utf8');
      } catch {
        text = '';
      }
      actions = dynamoActionsInSource(text);
      this.sources.set(input, actions);
    }
    return actions;
  }
}
