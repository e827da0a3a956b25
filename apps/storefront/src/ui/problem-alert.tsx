import { useEffect, useRef } from 'preact/hooks';
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
/**
 * What an action did, announced. With `focusOnChange`, it also takes the focus when its text
 * comes: the button that was pressed is often gone or disabled by then (a removed line, a closed
 * form), and focus left on it drops to the top of the page for a keyboard or screen-reader user.
 */
export function Notice({ text, focusOnChange = false }: { text: string | undefined; focusOnChange?: boolean }) {
  const element = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (focusOnChange && text) element.current?.focus();
  }, [text, focusOnChange]);
  return (
    <p ref={element} class={text ? 'alert alert-good' : 'visually-hidden'} role="status" tabIndex={focusOnChange ? -1 : undefined}>
      {text ?? ''}
    </p>
  );
}
