import { GetAliasCommand, type LambdaClient, ListVersionsByFunctionCommand, UpdateAliasCommand } from '@aws-sdk/client-lambda';

/**
 * Moves a function's `live` alias (what every trigger and caller invokes) back to an earlier
 * published version: by default the newest version older than the one in service, or the version
 * asked for. Versions are immutable, so the code and configuration that ran before run again,
 * within seconds and with no deploy. The next deploy of the function's stack moves the alias to
 * the newest version again: fix forward (or revert the commit) before then.
 */

export interface RollbackRequest {
  functionName: string;
  alias: string;
  /** The version to go back to; the one before the version in service when absent. */
  version?: string;
}

export interface RollbackResult {
  from: string;
  to: string;
}

export async function rollback(lambda: Pick<LambdaClient, 'send'>, request: RollbackRequest): Promise<RollbackResult> {
  const { functionName, alias } = request;
  const current = (await lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: alias }))).FunctionVersion;
  if (!current) throw new Error(`${functionName}:${alias} points at no version`);
  const versions = await publishedVersions(lambda, functionName);

  let target: string;
  if (request.version !== undefined) {
    if (!versions.includes(Number(request.version))) {
      throw new Error(`${functionName} has no published version ${request.version}: it has ${versions.join(', ') || 'none'}`);
    }
    target = request.version;
  } else {
    const earlier = versions.filter((v) => v < Number(current));
    if (earlier.length === 0) throw new Error(`${functionName} has no version before ${current}, the one in service: nothing to roll back to`);
    target = String(Math.max(...earlier));
  }
  if (target === current) throw new Error(`${functionName}:${alias} is on version ${current} already`);

  await lambda.send(new UpdateAliasCommand({ FunctionName: functionName, Name: alias, FunctionVersion: target }));
  return { from: current, to: target };
}

/** The function's published versions (not $LATEST), in ascending order. */
async function publishedVersions(lambda: Pick<LambdaClient, 'send'>, functionName: string): Promise<number[]> {
  const versions: number[] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: functionName, ...(marker && { Marker: marker }) }));
    for (const v of page.Versions ?? []) if (v.Version && /^\d+$/.test(v.Version)) versions.push(Number(v.Version));
    marker = page.NextMarker;
  } while (marker);
  return versions.sort((a, b) => a - b);
}
