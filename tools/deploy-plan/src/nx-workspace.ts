import { execFileSync } from 'node:child_process';
import type { ProjectInfo } from './plan';

interface GraphFile {
  graph: {
    nodes: Record<string, { data: { root: string; tags?: string[] } }>;
    dependencies: Record<string, { target: string; type: string }[]>;
  };
}

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

/**
 * Tags and root of every project. One `nx graph` call instead of one
 * `nx show project` per project: each Nx start costs seconds.
 */
export function workspaceProjects(workspaceRoot: string): Record<string, ProjectInfo> {
  const { graph } = parseJson<GraphFile>(nx(workspaceRoot, ['graph', '--file=stdout']), '{');
  return Object.fromEntries(
    Object.entries(graph.nodes).map(([name, node]) => [
      name,
      {
        tags: node.data.tags ?? [],
        root: node.data.root,
        implicitDependencies: (graph.dependencies[name] ?? []).filter((d) => d.type === 'implicit').map((d) => d.target),
      },
    ]),
  );
}

/**
 * The npm packages each project's code imports, by project root, as Nx's project graph finds them
 * (`npm:<name>` or `npm:<name>@<version>` targets).
 */
export async function projectImports(workspaceRoot: string): Promise<Record<string, string[]>> {
  process.env['NX_WORKSPACE_ROOT_PATH'] ??= workspaceRoot;
  process.env['NX_DAEMON'] ??= 'false';
  const { createProjectGraphAsync } = await import('@nx/devkit');
  const graph = await createProjectGraphAsync({ exitOnError: true });
  return Object.fromEntries(
    Object.entries(graph.nodes).map(([name, node]) => [
      node.data.root,
      (graph.dependencies[name] ?? []).filter((d) => d.target.startsWith('npm:')).map((d) => d.target.slice('npm:'.length).replace(/(?<=.)@[^/@]+$/, '')),
    ]),
  );
}
