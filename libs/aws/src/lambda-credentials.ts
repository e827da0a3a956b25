import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the function bundles (each service's
 * esbuild `alias`). Lambda always hands a function its role's credentials in the environment
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), and so does the local
 * cloud, so the SDK's default chain never gets past its first link there. The rest of the chain
 * (SSO, INI files, STS web identity, process, container and instance metadata, with the STS and
 * SSO clients they bring) was a third of a bundle that every cold start compiled for nothing
 * (docs/performance.md, "Cold start"). Tests and scripts that run the libs from source still get
 * the SDK's full chain: only the bundles are aliased.
 */
export function defaultProvider(init: Parameters<typeof fromEnv>[0] = {}): ReturnType<typeof fromEnv> {
  const fromEnvironment = fromEnv(init);
  return async () => {
    try {
      return await fromEnvironment();
    } catch (cause) {
      throw new Error(
        'No AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY): a function bundle reads only those, as Lambda sets them',
        { cause },
      );
    }
  };
}
