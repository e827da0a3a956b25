import type { HttpMethod, ServiceManifest } from '@shop/platform';

/** Each path the API serves, as its manifests declare it, with the methods it answers, in HTTP API's path syntax. */
export type KnownRoutes = Record<string, HttpMethod[]>;

const METHOD_ORDER: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The routes of every service, for the `$default` route's function to tell a wrong method from an unknown path. */
export function knownRoutes(manifests: readonly ServiceManifest[]): KnownRoutes {
  const methods = new Map<string, Set<HttpMethod>>();
  for (const manifest of manifests) {
    for (const fn of Object.values(manifest.functions)) {
      for (const trigger of fn.triggers) {
        if (trigger.type !== 'http') continue;
        const known = methods.get(trigger.path) ?? new Set<HttpMethod>();
        known.add(trigger.method);
        methods.set(trigger.path, known);
      }
    }
  }
  return Object.fromEntries(
    [...methods.keys()].sort().map((path) => [path, METHOD_ORDER.filter((m) => methods.get(path)!.has(m))]),
  );
}
