import { type LocalCloud, startTestCloud, storefrontSite } from '@shop/local-cloud';
import { findRepoRoot } from '@shop/platform';

/** A local cloud on free ports with the storefront served beside it, for the browser scripts (screenshots, timing). */
export async function startWebCloud(): Promise<{ cloud: LocalCloud; webUrl: string; stop(): Promise<void> }> {
  const web = await storefrontSite({ repoRoot: findRepoRoot(), host: '127.0.0.1', port: 0 });
  const cloud = await startTestCloud({ webOrigins: [web.origin], paymentWindowSeconds: 60, onFunctionLog: () => undefined });
  const site = await web.start(cloud.apiUrl);
  return {
    cloud,
    webUrl: site.url,
    stop: async () => {
      await site.close();
      await cloud.stop();
    },
  };
}
