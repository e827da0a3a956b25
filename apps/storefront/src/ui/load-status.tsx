import type { Loaded } from './use-async';
import { ProblemAlert } from './problem-alert';

/** What stands where data will be: a busy line while it loads, the problem if it failed, nothing once it is there. */
export function LoadStatus({ loaded, loading }: { loaded: Loaded<unknown>; loading: string }) {
  if (loaded.state === 'loading') return <p aria-busy="true">{loading}</p>;
  if (loaded.state === 'failed') return <ProblemAlert problem={loaded.problem} />;
  return null;
}
