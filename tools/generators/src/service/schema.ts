/** The options of `nx g @shop/generators:service` (schema.json describes them to Nx). */
export interface ServiceGeneratorOptions {
  /** Kebab-case, unused under apps/: the project, package, manifest and stack name. */
  name: string;
  /** One line: what the service is for. */
  description?: string;
  /** Leave `npm install` to the caller (tests in a copy of the repository; offline). */
  skipInstall?: boolean;
}
