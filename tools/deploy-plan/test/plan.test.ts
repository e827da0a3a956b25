import { describe, expect, it } from 'vitest';
import { type ProjectInfo, deployPlan, fullDeployPlan } from '../src/plan';

const service = (name: string): [string, ProjectInfo] => [name, { tags: ['type:service'], root: `apps/${name}` }];
const lib = (name: string): [string, ProjectInfo] => [name, { tags: ['type:lib'], root: `libs/${name}` }];
const tool = (name: string): [string, ProjectInfo] => [name, { tags: ['type:tool'], root: `tools/${name}` }];

// The shape of this workspace: services, the layer libs, other libs, tools, infra.
const projects: Record<string, ProjectInfo> = Object.fromEntries([
  service('user-service'),
  service('order-service'),
  service('cart-service'),
  service('checkout-orchestrator'),
  lib('auth'),
  lib('common'),
  lib('contracts'),
  lib('events'),
  lib('testing'),
  tool('e2e'),
  tool('local-cloud'),
  tool('docs-gen'),
  tool('deploy-plan'),
  tool('layers'),
  ['storefront', { tags: ['type:app'], root: 'apps/storefront' }],
  ['infra', { tags: ['type:infra'], root: 'infra' }],
]);
const everyService = ['service:cart-service', 'service:checkout-orchestrator', 'service:order-service', 'service:user-service'];

describe('deploy plan', () => {
  it('deploys only the service a change touched', () => {
    expect(deployPlan({ affected: ['user-service', 'e2e'], projects, changedFiles: ['apps/user-service/src/handlers/login.ts'] })).toEqual({
      stacks: ['service:user-service'],
    });
  });

  it("deploys the platform first when a service's manifest changed: the $default route knows every route", () => {
    expect(deployPlan({ affected: ['user-service'], projects, changedFiles: ['apps/user-service/src/service.ts'] }).stacks).toEqual([
      'platform',
      'service:user-service',
    ]);
    // Without the list of files, a manifest may have changed.
    expect(deployPlan({ affected: ['user-service'], projects }).stacks).toEqual(['platform', 'service:user-service']);
  });

  it('deploys the web stack, last, when the storefront changes, and nothing else', () => {
    expect(deployPlan({ affected: ['storefront'], projects, changedFiles: ['apps/storefront/src/app.tsx'] })).toEqual({ stacks: ['web'] });
  });

  it('deploys every stack for a first deploy', () => {
    expect(fullDeployPlan(projects, ['user-service', 'order-service'])).toEqual({
      stacks: ['platform', 'service:user-service', 'service:order-service', 'service:cart-service', 'service:checkout-orchestrator', 'web'],
    });
  });

  it('deploys every service, and no platform, when a lib every service uses changes', () => {
    const affected = ['contracts', 'user-service', 'order-service', 'cart-service', 'checkout-orchestrator', 'e2e'];
    expect(deployPlan({ affected, projects, changedFiles: ['libs/contracts/src/money.ts'] })).toEqual({ stacks: everyService });
  });

  it('deploys only the services that use a lib no layer uses', () => {
    expect(deployPlan({ affected: ['events', 'order-service', 'e2e'], projects, changedFiles: ['libs/events/src/catalog.ts'] })).toEqual({
      stacks: ['service:order-service'],
    });
  });

  it('deploys the platform first, then the dependent services, when a layer lib changes', () => {
    const affected = ['auth', 'checkout-orchestrator', 'user-service', 'order-service', 'cart-service', 'e2e'];
    expect(deployPlan({ affected, projects })).toEqual({ stacks: ['platform', ...everyService] });
    expect(deployPlan({ affected: ['common', 'user-service'], projects }).stacks).toEqual(['platform', 'service:user-service']);
  });

  it('deploys services in the order given, the owner of a mapped queue first, else by name', () => {
    const plan = deployPlan({ affected: ['infra'], projects, serviceOrder: ['user-service', 'order-service', 'cart-service'] });
    expect(plan.stacks).toEqual(['platform', 'service:user-service', 'service:order-service', 'service:cart-service', 'service:checkout-orchestrator', 'web']);
  });

  it('deploys the platform and every service when the way the layers are built changes', () => {
    expect(deployPlan({ affected: ['layers'], projects })).toEqual({ stacks: ['platform', ...everyService] });
  });

  it('deploys the platform, every service and the web stack when infra changes', () => {
    expect(deployPlan({ affected: ['infra'], projects })).toEqual({ stacks: ['platform', ...everyService, 'web'] });
    expect(deployPlan({ affected: ['infra'], projects, changedFiles: ['infra/src/index.ts'] }).stacks).toEqual([
      'platform',
      ...everyService,
      'web',
    ]);
  });

  it('does not redeploy everything when infra is affected only through a service it reads', () => {
    const plan = deployPlan({
      affected: ['user-service', 'infra', 'e2e'],
      projects,
      changedFiles: ['apps/user-service/src/handlers/login.ts'],
    });
    expect(plan).toEqual({ stacks: ['service:user-service'] });
  });

  it('deploys nothing when only tools, tests or docs change', () => {
    expect(deployPlan({ affected: ['e2e', 'local-cloud', 'docs-gen', 'deploy-plan', 'testing'], projects })).toEqual({ stacks: [] });
    expect(deployPlan({ affected: [], projects })).toEqual({ stacks: [] });
  });

  it('gives the same order whatever order Nx lists projects in', () => {
    const affected = ['user-service', 'common', 'order-service', 'cart-service'];
    const reversed = Object.fromEntries(Object.entries(projects).reverse());
    const expected = ['platform', 'service:cart-service', 'service:order-service', 'service:user-service'];
    expect(deployPlan({ affected, projects }).stacks).toEqual(expected);
    expect(deployPlan({ affected: [...affected].reverse(), projects: reversed }).stacks).toEqual(expected);
  });
});
