import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';

/** A page's title in the tab and as its one h1. */
export function Page({ title, children, wide }: { title: string; children: ComponentChildren; wide?: boolean }) {
  useEffect(() => {
    document.title = `${title} · Serverless shop`;
  }, [title]);
  return (
    <div class={wide ? 'page page-wide' : 'page'}>
      <h1>{title}</h1>
      {children}
    </div>
  );
}
