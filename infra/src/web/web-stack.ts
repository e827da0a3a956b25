import { createHash } from 'node:crypto';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import type { Construct } from 'constructs';
import type { BuildOutputs } from '../assets/build-outputs';
import type { StageConfig } from '../config/stage-config';
import { PlatformReader } from '../service/platform-reader';
import { slug } from '../stacks/resource-names';
import { ShopStack } from '../stacks/shop-stack';
import { NO_CACHE, storefrontFiles } from './storefront-files';

/** The name of the web stack, deployed after the platform (tools/deploy-plan names it so). */
export const WEB_STACK = 'web';

/** What the storefront reads at start to find the API and the user pool: the one file the stack writes itself. */
export const STOREFRONT_CONFIG = 'config.json';

/**
 * The storefront, deployed: the build in `dist/web/storefront` uploaded into the platform's
 * web bucket (content types and caching per file, storefront-files.ts), and `config.json` with
 * what the browser needs to reach the shop: the API's URL, the region, the user pool and its app
 * client. The bucket and the CloudFront distribution in front of it are the platform's
 * (platform/web-hosting.ts): the API's CORS names the distribution's origin. When the storefront
 * is not built, the stack uploads `config.json` alone and says so (`notes`).
 */
export class WebStack extends ShopStack {
  /** What synth should tell the person running it. */
  readonly notes: string[] = [];

  constructor(scope: Construct, config: StageConfig, outputs: BuildOutputs) {
    super(scope, WEB_STACK, config);
    const platform = new PlatformReader(this);
    const bucket = platform.value('webBucketName');

    const dir = outputs.storefrontDir();
    if (!dir) {
      this.notes.push('web: dist/web/storefront is not built, so the web stack uploads config.json only (build the storefront to deploy it)');
    } else {
      const build = new TerraformAsset(this, 'storefront', { path: dir, type: AssetType.DIRECTORY });
      for (const file of storefrontFiles(dir)) {
        if (file.key === STOREFRONT_CONFIG) {
          this.notes.push(`web: the storefront build has its own ${STOREFRONT_CONFIG}; the deployed one (from the platform) replaces it`);
          continue;
        }
        const source = `${build.path}/${file.key}`;
        const id = `object-${slug(file.key)}-${createHash('sha256').update(file.key).digest('hex').slice(0, 8)}`;
        new S3Object(this, id, {
          bucket,
          key: file.key,
          source,
          etag: Fn.filemd5(source),
          contentType: file.contentType,
          cacheControl: file.cacheControl,
        });
      }
    }

    new S3Object(this, 'storefront-config', {
      bucket,
      key: STOREFRONT_CONFIG,
      contentType: 'application/json',
      cacheControl: NO_CACHE,
      content: JSON.stringify(
        {
          stage: config.stage,
          apiUrl: platform.value('httpApiUrl'),
          region: config.region,
          userPoolId: platform.value('userPoolId'),
          userPoolClientId: platform.value('userPoolClientId'),
        },
        null,
        2,
      ),
    });
    this.output('web_url', platform.value('webUrl'), "The storefront's URL");
  }
}
