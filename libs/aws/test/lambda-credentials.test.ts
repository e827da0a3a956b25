import { afterEach, describe, expect, it } from 'vitest';
import { defaultProvider } from '../src/lambda-credentials';

const KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));

afterEach(() => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe("the bundles' credential provider (instead of the SDK's default chain)", () => {
  it("reads the role's credentials Lambda puts in the environment", async () => {
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIAEXAMPLE';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'secret';
    process.env['AWS_SESSION_TOKEN'] = 'session';
    await expect(defaultProvider()()).resolves.toMatchObject({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session' });
  });

  it('says what is missing when the environment has no credentials, rather than trying files or metadata', async () => {
    for (const k of KEYS) delete process.env[k];
    await expect(defaultProvider()()).rejects.toThrow(/No AWS credentials in the environment \(AWS_ACCESS_KEY_ID/);
  });
});
