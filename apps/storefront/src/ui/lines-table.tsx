import type { ComponentChildren } from 'preact';

/** A column's heading: its words, or its words and how they show (numbers align right; some headings only a screen reader needs). */
export type Column = string | { label: string; number?: boolean; hidden?: boolean };

/**
 * The shop's tables of lines (a cart's, an order's, the catalogue's): one markup for all, so that each
 * reads the same to a screen reader. The caption is for screen readers unless `captionShown`.
 */
export function LinesTable({
  caption,
  captionShown,
  columns,
  children,
  foot,
}: {
  caption?: string;
  captionShown?: boolean;
  columns: readonly Column[];
  children: ComponentChildren;
  foot?: ComponentChildren;
}) {
  return (
    <table class="lines">
      {caption ? <caption class={captionShown ? undefined : 'visually-hidden'}>{caption}</caption> : null}
      <thead>
        <tr>
          {columns.map((column) => (
            <ColumnHeading key={typeof column === 'string' ? column : column.label} column={column} />
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
      {foot ? <tfoot>{foot}</tfoot> : null}
    </table>
  );
}

function ColumnHeading({ column }: { column: Column }) {
  const { label, number, hidden } = typeof column === 'string' ? { label: column } : column;
  return (
    <th scope="col" class={number ? 'number' : undefined}>
      {hidden ? <span class="visually-hidden">{label}</span> : label}
    </th>
  );
}
