import type { Problem } from '../problem';

/** A failed request, said once, where a screen reader hears it at once. */
export function ProblemAlert({ problem }: { problem: Problem | undefined }) {
  if (!problem) return null;
  return (
    <div class="alert alert-bad" role="alert">
      <p>{problem.message}</p>
      {problem.status >= 500 && problem.requestId ? <p class="small">Reference: {problem.requestId}</p> : null}
    </div>
  );
}

/** Progress and good news, read out politely. */
export function Notice({ text }: { text: string | undefined }) {
  return (
    <p class={text ? 'alert alert-good' : 'visually-hidden'} role="status">
      {text ?? ''}
    </p>
  );
}
