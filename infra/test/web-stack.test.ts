import { beforeAll, describe, expect, inject, it } from 'vitest';
import { IMMUTABLE, NO_CACHE, SHORT, storefrontFile } from '../src/web/storefront-files';
import { readStacks, resources, resourceWith, type TerraformJson, TF } from './support/terraform-json';

let synthetic: TerraformJson;
let real: TerraformJson;
beforeAll(() => {
  synthetic = readStacks(inject('synthesized').synthetic)['web']!;
  real = readStacks(inject('synthesized').real)['web']!;
});

describe('the web stack', () => {
  it("uploads every file of the storefront's build into the platform's bucket, with its type and caching", () => {
    const objects = Object.fromEntries(resources(synthetic, 'aws_s3_object').map(([, o]) => [o['key'], o]));
    expect(Object.keys(objects).sort()).toEqual(['assets/main-5FQ2TYJR.css', 'assets/main-5FQ2TYJR.js', 'config.json', 'favicon.ico', 'index.html']);
    for (const [, object] of resources(synthetic, 'aws_s3_object')) expect(object['bucket']).toBe(TF.platform('web/bucket-name'));
    expect(objects['index.html']).toMatchObject({ content_type: 'text/html; charset=utf-8', cache_control: NO_CACHE });
    expect(objects['assets/main-5FQ2TYJR.js']).toMatchObject({ content_type: 'text/javascript; charset=utf-8', cache_control: IMMUTABLE });
    expect(objects['favicon.ico']).toMatchObject({ cache_control: SHORT });
    expect(objects['index.html']!['etag']).toMatch(/^\$\{filemd5\(".+\/index\.html"\)\}$/);
  });

  it("writes config.json from the platform, in place of the build's own", () => {
    const [, config] = resourceWith(synthetic, 'aws_s3_object', 'key', 'config.json');
    expect(config['source']).toBeUndefined();
    expect(config['cache_control']).toBe(NO_CACHE);
    expect(JSON.parse(config['content'])).toEqual({
      stage: 'dev',
      apiUrl: TF.platform('http-api/url'),
      region: 'us-east-1',
      userPoolId: TF.platform('user-pool/id'),
      userPoolClientId: TF.platform('user-pool/client-id'),
    });
  });

  it('outputs the web URL', () => {
    expect(synthetic.output?.['web_url']?.value).toBe(TF.platform('web/url'));
  });

  it('uploads config.json alone when the storefront is not built', () => {
    const keys = resources(real, 'aws_s3_object').map(([, o]) => o['key']);
    expect(keys).toContain('config.json');
  });
});

describe('storefront caching', () => {
  it('revalidates HTML and config.json, keeps hashed names a year, anything else five minutes', () => {
    expect(storefrontFile('index.html').cacheControl).toBe(NO_CACHE);
    expect(storefrontFile('orders/index.html').cacheControl).toBe(NO_CACHE);
    expect(storefrontFile('config.json').cacheControl).toBe(NO_CACHE);
    expect(storefrontFile('assets/index-BdK3xZ1q.js').cacheControl).toBe(IMMUTABLE);
    expect(storefrontFile('chunk.5FQ2TYJR.css').cacheControl).toBe(IMMUTABLE);
    expect(storefrontFile('app.settings.js').cacheControl).toBe(SHORT);
    expect(storefrontFile('robots.txt')).toEqual({ key: 'robots.txt', contentType: 'text/plain; charset=utf-8', cacheControl: SHORT });
    expect(storefrontFile('data.bin').contentType).toBe('application/octet-stream');
  });
});
