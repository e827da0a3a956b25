import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Bundle {
  service: string;
  handler: string;
  /** `service/handler`, as tables show it. */
  name: string;
  path: string;
}

/** Every handler bundle under `dist/apps/<service>/<handler>.js`, in name order. */
export function findBundles(distApps: string): Bundle[] {
  const bundles: Bundle[] = [];
  for (const service of readdirSync(distApps).sort()) {
    const dir = join(distApps, service);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.js')) continue;
      const handler = file.slice(0, -3);
      bundles.push({ service, handler, name: `${service}/${handler}`, path: join(dir, file) });
    }
  }
  return bundles;
}
