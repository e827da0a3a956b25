/** What Nx knows about a project that matters for deploying it. */
export interface ProjectInfo {
  tags: string[];
  root: string;
  /** The projects its project.json names as `implicitDependencies`, patterns resolved. */
  implicitDependencies?: string[];
}

export interface DeployPlanInput {
  /** Names of the projects a change affected, as `nx show projects --affected` lists them. */
  affected: string[];
  /** Every project in the workspace, by name. */
  projects: Record<string, ProjectInfo>;
  /**
   * The files the change touched, workspace-relative, when known. Nx marks infra
   * affected whenever anything it imports changes (a service manifest, a lib); only
   * a change to infra's own files redeploys every stack. Without this list, any
   * affected infra counts as its own change: more deploys, never fewer.
   */
  changedFiles?: string[];
  /**
   * The services in an order their stacks can deploy in (`deployOrder` of @shop/platform: a
   * queue's or a stream's owner before the service that maps it). Without it, by name.
   */
  serviceOrder?: string[];
}

export interface DeployPlan {
  /** Stacks to deploy, in order: `platform` first, then `service:<name>` in deploy order, then `web`. */
  stacks: string[];
}

export const PLATFORM_STACK = 'platform';

/** The storefront's stack (infra/src/web): its build uploaded behind the platform's CloudFront. */
export const WEB_STACK = 'web';

/** The storefront's project: a change to it redeploys the web stack. */
const WEB_PROJECT = 'storefront';

/** The infra project: a change there can touch the platform stack and every service stack. */
const INFRA_PROJECT = 'infra';

/** Libs that ship as Lambda layers, which live in the platform stack. */
const LAYER_LIBS = new Set(['auth', 'common']);

/**
 * The tool that builds the layers. Nx sees no service depend on it, yet a change to it makes new
 * layer versions, which every function takes up only when its stack is deployed again.
 */
const LAYER_BUILDER = 'layers';

const SERVICE_TAG = 'type:service';

export function serviceStack(name: string): string {
  return `service:${name}`;
}

function isService(project: ProjectInfo | undefined): boolean {
  return project?.tags.includes(SERVICE_TAG) ?? false;
}

function infraTouched({ projects, changedFiles }: DeployPlanInput): boolean {
  const root = projects[INFRA_PROJECT]?.root;
  if (changedFiles === undefined || root === undefined) return true;
  return changedFiles.some((file) => file === root || file.startsWith(`${root}/`));
}

/**
 * Whether the change may have changed an affected service's routes: the platform's `$default`
 * route function holds every manifest's routes. Without the list of files, any affected service
 * counts: more deploys, never fewer.
 */
function manifestTouched({ projects, changedFiles }: DeployPlanInput, services: readonly string[]): boolean {
  if (changedFiles === undefined) return services.length > 0;
  return services.some((name) => changedFiles.includes(`${projects[name]?.root}/src/service.ts`));
}

/**
 * Turns "what a change affected" into "which stacks to deploy, in which order".
 * Nx already marks every service that depends on an affected lib as affected, so
 * only this needs adding here: a changed layer lib redeploys the platform (with its
 * dependants, which Nx marks); a changed manifest redeploys the platform too (its
 * `$default` route knows every route); a changed infra or layer build redeploys the
 * platform and every service; a changed storefront or infra redeploys the web stack,
 * last. Tools, e2e and docs deploy nothing.
 */
export function deployPlan(input: DeployPlanInput): DeployPlan {
  const affected = new Set(input.affected);
  const infraChanged = affected.has(INFRA_PROJECT) && infraTouched(input);
  const layersRebuilt = affected.has(LAYER_BUILDER);
  const affectedServices = input.affected.filter((name) => isService(input.projects[name]));
  const platform =
    infraChanged || layersRebuilt || [...LAYER_LIBS].some((lib) => affected.has(lib)) || manifestTouched(input, affectedServices);
  const web = infraChanged || affected.has(WEB_PROJECT);

  const rank = (name: string) => {
    const at = input.serviceOrder?.indexOf(name) ?? -1;
    return at < 0 ? Number.MAX_SAFE_INTEGER : at;
  };
  const services = Object.keys(input.projects)
    .filter((name) => isService(input.projects[name]))
    .filter((name) => infraChanged || layersRebuilt || affected.has(name))
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));

  return {
    stacks: [...(platform ? [PLATFORM_STACK] : []), ...services.map(serviceStack), ...(web ? [WEB_STACK] : [])],
  };
}

/** Every stack, in order: what a first deploy to an empty account needs. */
export function fullDeployPlan(projects: Record<string, ProjectInfo>, serviceOrder?: string[]): DeployPlan {
  return deployPlan({ affected: [INFRA_PROJECT], projects, serviceOrder });
}
