/**
 * The names a new service is made of, and the rules its name must keep. Pure: the generator
 * reads the workspace and passes in what is taken.
 */

/** Lower-case words of letters and digits joined by single hyphens, starting with a letter: `wishlist-service`. */
const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** AWS's limit on a Lambda function's name, which infra builds as `shop-<stage>-<service>-<function>`. */
export const MAX_FUNCTION_NAME_LENGTH = 64;

/** The longest stage infra deploys (`dev`, `prod`): the stage in the longest function name. */
const LONGEST_STAGE = 'prod';

/** What the workspace already holds, which a new service's names must not repeat. */
export interface TakenNames {
  /** Directory names under `apps/`. */
  appDirectories: readonly string[];
  /** Nx project names, with where each project lives. */
  projects: Readonly<Record<string, string>>;
  /** npm package names of the workspace's projects (`@shop/common`, …). */
  packages: readonly string[];
  /** First segments of the routes existing manifests declare (`products` for `/products/{id}`), with the service that declares it. */
  routePrefixes: Readonly<Record<string, string>>;
  /** Function names existing manifests declare, with the service that declares each. */
  functionNames: Readonly<Record<string, string>>;
}

/** Everything the templates are filled with. */
export interface ServiceNames {
  /** The Nx project, directory, manifest and stack name: `wishlist-service`. */
  name: string;
  /** `@shop/wishlist-service`. */
  packageName: string;
  /** The first segment of its routes: the name without a trailing `-service` (`wishlist`). */
  routePrefix: string;
  /** The one route the service starts with: `/wishlist/items/{itemId}`. */
  routePath: string;
  /**
   * Its function: `get-wishlist-item`. The OpenAPI operation id comes from the function's name
   * (`getWishlistItem`) and must be unique across the shop, so the name carries the route prefix.
   */
  functionName: string;
  /** The manifest's type: `WishlistService`, as `ProductService` is product-service's. */
  manifestType: string;
}

export function packageNameOf(name: string): string {
  return `@shop/${name}`;
}

/** `wishlist-service` → `wishlist`; a name without the suffix is its own prefix. */
export function routePrefixOf(name: string): string {
  return name.endsWith('-service') ? name.slice(0, -'-service'.length) : name;
}

export function serviceNames(name: string): ServiceNames {
  const routePrefix = routePrefixOf(name);
  const pascal = routePrefix
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
  return {
    name,
    packageName: packageNameOf(name),
    routePrefix,
    routePath: `/${routePrefix}/items/{itemId}`,
    functionName: `get-${routePrefix}-item`,
    manifestType: `${pascal}Service`,
  };
}

/**
 * Why `name` cannot name a new service, or undefined when it can. Each message starts with the
 * option it is about (`name: …`), as the API's 400s name the field.
 */
export function serviceNameProblem(name: string, taken: TakenNames): string | undefined {
  if (!KEBAB_CASE.test(name)) {
    return `name: "${name}" is not kebab-case: use lower-case letters and digits in words joined by single hyphens, starting with a letter (e.g. wishlist-service)`;
  }
  const longest = `shop-${LONGEST_STAGE}-${name}-${serviceNames(name).functionName}`;
  if (longest.length > MAX_FUNCTION_NAME_LENGTH) {
    return `name: "${name}" is too long: its function would be called ${longest} in AWS, ${longest.length} characters where Lambda allows ${MAX_FUNCTION_NAME_LENGTH}`;
  }
  if (taken.appDirectories.includes(name)) return `name: apps/${name} already exists; choose another name`;
  const project = taken.projects[name];
  if (project !== undefined) return `name: "${name}" is already the name of the project in ${project}; choose another name`;
  const packageName = packageNameOf(name);
  if (taken.packages.includes(packageName)) return `name: the package ${packageName} already exists in the workspace; choose another name`;
  const prefix = routePrefixOf(name);
  const owner = taken.routePrefixes[prefix];
  if (owner !== undefined) {
    return `name: the routes of "${name}" would start with /${prefix}, which ${owner} already serves; choose another name`;
  }
  const { functionName } = serviceNames(name);
  const functionOwner = taken.functionNames[functionName];
  if (functionOwner !== undefined) {
    return `name: its function ${functionName} would share its OpenAPI operation id with ${functionOwner}/${functionName}; choose another name`;
  }
  return undefined;
}

/** Why `description` cannot describe a service, or undefined when it can. */
export function descriptionProblem(description: string): string | undefined {
  if (description.trim() === '') return 'description: say in one line what the service is for';
  if (/[\r\n]/.test(description)) return 'description: one line, without line breaks (it goes into the manifest, the README and the docs)';
  return undefined;
}

/**
 * First route segments declared in a manifest's source: `path: '/products/{id}'` → `products`.
 * Read from the text, as the generator cannot load TypeScript manifests; good enough to tell a
 * name whose routes would land on another service's.
 */
export function routePrefixesIn(manifestSource: string): string[] {
  const prefixes = [...manifestSource.matchAll(/\bpath:\s*['"`]\/([^/'"`{}]+)/g)].map((match) => match[1] as string);
  return [...new Set(prefixes)];
}

/**
 * Function names declared in a manifest's source: the quoted kebab-case keys that open an
 * object (`'get-product': {`), which in a manifest are functions, tables or queues. Over-counting
 * tables only makes a clash less likely to go unseen.
 */
export function functionNamesIn(manifestSource: string): string[] {
  return [...new Set([...manifestSource.matchAll(/['"]([a-z][a-z0-9-]*)['"]\s*:\s*\{/g)].map((match) => match[1] as string))];
}

/** A single-quoted TypeScript string literal, as the repository writes them. */
export function tsString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
