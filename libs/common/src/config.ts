import type * as z from 'zod/mini';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A required environment variable; a missing one is a deployment bug, so say which. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new ConfigError(`environment variable ${name} is not set`);
  return value;
}

/**
 * Reads and validates configuration from the environment once, at first use, so a
 * module can declare its config at top level without slowing or failing cold start.
 */
export function lazyConfig<S extends z.ZodMiniType>(schema: S): () => z.output<S> {
  let cached: z.output<S> | undefined;
  return () => {
    if (cached === undefined) {
      const parsed = schema.safeParse(process.env);
      if (!parsed.success) {
        const what = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        throw new ConfigError(`invalid environment: ${what}`);
      }
      cached = parsed.data;
    }
    return cached;
  };
}
