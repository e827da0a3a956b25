import { GetAliasCommand, LambdaClient, ListVersionsByFunctionCommand, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseOptions, stageOption, UsageError } from '../src/options';
import { rollback } from '../src/rollback';

const lambda = mockClient(LambdaClient);
const client = () => new LambdaClient({ region: 'eu-west-1' });
const FN = 'shop-dev-order-service-create-order';

beforeEach(() => {
  lambda.reset();
  lambda.on(GetAliasCommand).resolves({ FunctionVersion: '7' });
  lambda
    .on(ListVersionsByFunctionCommand, { FunctionName: FN })
    .resolvesOnce({ Versions: [{ Version: '$LATEST' }, { Version: '3' }, { Version: '5' }], NextMarker: 'm' })
    .resolvesOnce({ Versions: [{ Version: '6' }, { Version: '7' }] });
});

describe('rollback', () => {
  it("moves the live alias to the newest version before the one in service", async () => {
    expect(await rollback(client(), { functionName: FN, alias: 'live' })).toEqual({ from: '7', to: '6' });
    expect(lambda.commandCalls(UpdateAliasCommand)[0]!.args[0].input).toEqual({ FunctionName: FN, Name: 'live', FunctionVersion: '6' });
  });

  it('moves it to the version asked for, if the function has it', async () => {
    expect(await rollback(client(), { functionName: FN, alias: 'live', version: '3' })).toEqual({ from: '7', to: '3' });
  });

  it('refuses a version the function does not have, and a first version with nothing before it', async () => {
    await expect(rollback(client(), { functionName: FN, alias: 'live', version: '4' })).rejects.toThrow(/no published version 4: it has 3, 5, 6, 7/);
    lambda.on(GetAliasCommand).resolves({ FunctionVersion: '3' });
    lambda.on(ListVersionsByFunctionCommand).resolves({ Versions: [{ Version: '3' }] });
    await expect(rollback(client(), { functionName: FN, alias: 'live' })).rejects.toThrow(/no version before 3/);
    expect(lambda.commandCalls(UpdateAliasCommand)).toEqual([]);
  });
});

describe('the command line', () => {
  it('takes the options it knows, in either spelling, and refuses anything else', () => {
    expect(parseOptions(['--stage', 'dev', '--function=a/b'], ['stage', 'function', 'version'])).toEqual({ stage: 'dev', function: 'a/b' });
    expect(() => parseOptions(['--force'], ['stage'])).toThrow(UsageError);
    expect(() => parseOptions(['--stage'], ['stage'])).toThrow(/needs a value/);
    expect(() => stageOption('staging')).toThrow(/expected one of dev, prod/);
  });
});
