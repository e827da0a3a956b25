import { execFileSync } from 'node:child_process';
import type { ProjectInfo } from './plan';

function nx(workspaceRoot: string, args: string[]): string {
  return execFileSync('npx', ['nx', ...args], {
    cwd: workspaceRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
    // A one-shot script should not leave an Nx daemon behind; CI sets this anyway.
    env: { ...process.env, NX_DAEMON: process.env.NX_DAEMON ?? 'false' },
  });
}

/** Nx may print notices around its JSON; the JSON is the part from the first bracket. */
function parseJson<T>(text: string, opening: '{' | '['): T {
  return JSON.parse(text.slice(text.indexOf(opening))) as T;
}

/** Names of the projects affected between base and head (or by the given files). */
export function affectedProjects(workspaceRoot: string, args: string[]): string[] {
  return parseJson<string[]>(nx(workspaceRoot, ['show', 'projects', '--affected', '--json', ...args]), '[');
}

/** The workspace as Nx's project graph sees it. */
export interface Workspace {
  /** Tags, root and resolved implicit dependencies of every project, by name. */
  projects: Record<string, ProjectInfo>;
  /** The npm packages each project's code imports, by project root (`npm:<name>` or `npm:<name>@<version>` targets). */
  imports: Record<string, string[]>;
}

/**
 * Every project and what it imports from npm, from one project graph built in this process (a
 * second Nx start would cost seconds).
 */
export async function loadWorkspace(workspaceRoot: string): Promise<Workspace> {
  process.env['NX_WORKSPACE_ROOT_PATH'] ??= workspaceRoot;
  process.env['NX_DAEMON'] ??= 'false';
  const { createProjectGraphAsync } = await import('@nx/devkit');
  const graph = await createProjectGraphAsync({ exitOnError: true });
  const dependencies = (name: string) => graph.dependencies[name] ?? [];
  const projects: Record<string, ProjectInfo> = {};
  const imports: Record<string, string[]> = {};
  for (const [name, { data }] of Object.entries(graph.nodes)) {
    projects[name] = {
      tags: data.tags ?? [],
      root: data.root,
      implicitDependencies: dependencies(name).filter((d) => d.type === 'implicit').map((d) => d.target),
    };
    imports[data.root] = dependencies(name)
      .filter((d) => d.target.startsWith('npm:'))
      .map((d) => d.target.slice('npm:'.length).replace(/(?<=.)@[^/@]+$/, ''));
  }
  return { projects, imports };
}
