import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { deployDependencies } from '@shop/platform';
import { shopApp } from '../src/app/shop-app';
import { testConfig } from './support/synthesize';
import { alpha, beta } from './support/synthetic-services';

/** Each stack's dependencies as the synthesized manifest.json records them (what `cdktf deploy` orders by). */
function recordedDependencies(outdir: string): Record<string, string[]> {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { dependencies: string[] }> };
  return Object.fromEntries(Object.entries(manifest.stacks).map(([name, stack]) => [name, [...stack.dependencies].sort()]));
}

describe('the order stacks deploy in', () => {
  it("puts the platform first, and a queue's or a table stream's owner before the service that maps it", () => {
    const dependencies = recordedDependencies(inject('synthesized').real);
    expect(dependencies['platform']).toEqual([]);
    for (const [stack, needs] of Object.entries(dependencies)) if (stack !== 'platform') expect(needs, stack).toContain('platform');
    // update-order-status consumes payment-service's queue; order-events reads the orders stream.
    expect(dependencies['order-service']).toEqual(['payment-service', 'platform']);
    expect(dependencies['order-events']).toEqual(['order-service', 'platform']);
  });

  it('counts mapped streams and subscribed topics, not invokes, reads or sends, which only name an ARN', () => {
    expect(deployDependencies(beta)).toEqual(['alpha-service']);
    expect(deployDependencies(alpha)).toEqual([]);
    expect(recordedDependencies(inject('synthesized').synthetic)['beta-service']).toEqual(['alpha-service', 'platform']);
  });

  const outdir = mkdtempSync(join(tmpdir(), 'shop-infra-cycle-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('refuses two services that each need the other deployed first', () => {
    const workspace = inject('synthesized').syntheticWorkspace;
    const needsBeta = { ...alpha, functions: { ...alpha.functions, 'on-alert': { ...alpha.functions['on-alert'], asyncInvoke: { maximumRetryAttempts: 1, onFailure: 'beta-service/dropped' } } } } as const;
    const services = [needsBeta, beta].map((manifest) => ({ manifest, root: join(workspace, 'apps', manifest.name) }));
    expect(() => shopApp({ config: testConfig(), services, buildRoot: workspace, outdir })).toThrow(/each need the other/);
  });
});
