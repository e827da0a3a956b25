import { useEffect, useState } from 'preact/hooks';
import type { Outcome } from '../api';
import type { Problem } from '../problem';

export type Loaded<T> = { state: 'loading' } | { state: 'ok'; data: T } | { state: 'failed'; problem: Problem };

/** Loads once per change of `deps`; a late answer for old deps is dropped. `reload()` asks again. */
export function useLoad<T>(load: () => Promise<Outcome<T>>, deps: readonly unknown[]): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setLoaded((previous) => (previous.state === 'ok' ? previous : { state: 'loading' }));
    void load().then((outcome) => {
      if (!current) return;
      setLoaded(outcome.ok ? { state: 'ok', data: outcome.data } : { state: 'failed', problem: outcome.problem });
    });
    return () => {
      current = false;
    };
  }, [...deps, round]);
  return [loaded, () => setRound((r) => r + 1)];
}
