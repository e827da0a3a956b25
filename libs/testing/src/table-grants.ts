import { attributesNamed, parseRef, physicalName, READ_ACTIONS, type ServiceManifest, tableGrant, type TableRequest, tableRequests } from '@shop/platform';

/** A command a test's document client sent, as aws-sdk-client-mock records it (`ddb.calls()`). */
export interface SentCommand {
  args: readonly [{ constructor: { name: string }; input: object }, ...unknown[]];
}

type Input = Record<string, unknown>;

/** Why a request breaks a grant limited to `attributes`, as infra's policy condition would refuse it (decision 91). */
function fineGrainedProblems(request: TableRequest, attributes: readonly string[]): string[] {
  const problems: string[] = [];
  const outside = attributesNamed(request.input).filter((name) => !attributes.includes(name));
  if (outside.length > 0) problems.push(`names ${outside.join(', ')}, outside ${attributes.join(', ')}`);
  if (READ_ACTIONS.has(request.action) && typeof request.input['ProjectionExpression'] !== 'string') problems.push('reads without a projection, so asks for every attribute');
  const select = request.input['Select'];
  if (select !== undefined && select !== 'SPECIFIC_ATTRIBUTES') problems.push(`asks Select ${String(select)}`);
  const returns = request.input['ReturnValues'];
  if (returns !== undefined && !['NONE', 'UPDATED_OLD', 'UPDATED_NEW'].includes(returns as string)) problems.push(`asks ReturnValues ${String(returns)}`);
  return problems;
}

/**
 * The DynamoDB requests among `calls` that the function's manifest does not grant, as the IAM
 * policy infra renders from it would refuse them: an action on a table or an index it has no grant
 * for, or, on a grant limited to some attributes, a request that names others, reads without a
 * projection, or asks for more than the updated attributes back. Empty when every request is
 * granted. Table names are the physical ones of `stage`, as the tests' environments set them.
 */
export function requestsOutsideGrant(manifest: ServiceManifest, functionName: string, calls: readonly SentCommand[], stage = 'test'): string[] {
  const fn = manifest.functions[functionName];
  if (!fn) throw new Error(`${manifest.name} has no function ${functionName}`);
  const grants = new Map([
    ...Object.entries(fn.permissions.tables ?? {}).map(([table, access]) => [physicalName(stage, manifest.name, table), tableGrant(access)] as const),
    ...Object.entries(fn.permissions.foreignTables ?? {}).map(([ref, access]) => {
      const { service, name } = parseRef(ref);
      return [physicalName(stage, service, name), tableGrant(access)] as const;
    }),
  ]);
  return calls.flatMap(({ args: [command] }) =>
    tableRequests(command.constructor.name, command.input as Input).flatMap((request) => {
      const what = `${request.action} on ${request.table}${request.index ? ` (index ${request.index})` : ''}`;
      const grant = grants.get(request.table);
      const granted = request.index ? grant?.indexes[request.index]?.includes(request.action as never) : grant?.actions.includes(request.action);
      if (!grant || !granted) return [`${what}: not granted to ${manifest.name}/${functionName}`];
      return grant.attributes ? fineGrainedProblems(request, grant.attributes).map((problem) => `${what} ${problem}`) : [];
    }),
  );
}
