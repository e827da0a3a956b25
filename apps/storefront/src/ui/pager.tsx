import { useState } from 'preact/hooks';

/** A button to another page of a list: its words, and what pressing it does. */
export interface PageTurn {
  label: string;
  go: () => void;
}

/** The buttons to the page before and the page after, each shown only when there is one. */
export function Pager({ label, back, forward }: { label: string; back: PageTurn | undefined; forward: PageTurn | undefined }) {
  return (
    <nav class="pager" aria-label={label}>
      {back ? (
        <button type="button" onClick={back.go}>
          {back.label}
        </button>
      ) : null}
      {forward ? (
        <button type="button" onClick={forward.go}>
          {forward.label}
        </button>
      ) : null}
    </nav>
  );
}

/**
 * The API pages forward only: the cursors of the pages seen so far, so that going back is the
 * cursor before. `cursor` is the page to load (undefined: the first).
 */
export function useCursorTrail(): {
  cursor: string | undefined;
  back: (label: string) => PageTurn | undefined;
  forward: (next: string | null | undefined, label: string) => PageTurn | undefined;
} {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  return {
    cursor: cursors.at(-1),
    back: (label) => (cursors.length > 1 ? { label, go: () => setCursors(cursors.slice(0, -1)) } : undefined),
    forward: (next, label) => (next ? { label, go: () => setCursors([...cursors, next]) } : undefined),
  };
}
