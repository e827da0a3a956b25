import { useState } from 'preact/hooks';
import type { Problem } from '../problem';

/** What an action answers: the problem to show, or nothing when it went through. */
type Work = () => Promise<Problem | void>;

/**
 * One request of a form or a button at a time: `busy` while it runs (its buttons disable on it), and
 * the problem it ended with, shown until the next try.
 */
export function useAction(): {
  busy: boolean;
  problem: Problem | undefined;
  run: (work: Work) => Promise<void>;
  onSubmit: (send: (form: FormData, element: HTMLFormElement) => Promise<Problem | void>) => (event: Event) => void;
} {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const run = async (work: Work) => {
    setBusy(true);
    setProblem(undefined);
    try {
      setProblem((await work()) ?? undefined);
    } finally {
      // An action that throws (a bug, not a refused request) must not leave its buttons disabled.
      setBusy(false);
    }
  };
  const onSubmit = (send: (form: FormData, element: HTMLFormElement) => Promise<Problem | void>) => (event: Event) => {
    event.preventDefault();
    const element = event.currentTarget as HTMLFormElement;
    void run(() => send(new FormData(element), element));
  };
  return { busy, problem, run, onSubmit };
}
