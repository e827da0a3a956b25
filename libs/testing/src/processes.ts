import { readdirSync, readFileSync } from 'node:fs';

/** Whether a process with this id exists (a reaped child no longer does). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Ids of the live child processes of this process, read from /proc (Linux). Worker threads
 * are not processes, so after a clean stop of the local cloud this is empty. esbuild's
 * service process does not count: the Lambda runtime transpiles its worker with esbuild,
 * whose helper lives as long as this process, and ends with it (it reads our stdin pipe).
 */
export function childProcesses(): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // `pid (comm) state ppid ...`; comm may contain spaces, so split after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) !== process.pid || state === 'Z') continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmdline.some((arg) => /esbuild$/.test(arg)) && cmdline.some((arg) => arg.startsWith('--service'))) continue;
      children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

/**
 * Ids of every live process descended from `root` (children, their children, …), read from /proc
 * (Linux): what a Ctrl-C on `npm start` has to leave none of, whatever process group each is in.
 */
export function descendantProcesses(root: number): number[] {
  const childrenOf = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue;
      const siblings = childrenOf.get(Number(ppid)) ?? [];
      siblings.push(Number(entry));
      childrenOf.set(Number(ppid), siblings);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const visit = (pid: number) => {
    for (const child of childrenOf.get(pid) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(root);
  return found;
}

/** The command line of a process, for a message naming what was left behind. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '(gone)';
  }
}
