/**
 * Charts drawn as plain SVG: a few hundred bytes of code instead of a chart library. Each comes
 * with its numbers as a table, for screen readers and for anyone who wants the exact figures.
 */

export interface Bar {
  label: string;
  value: number;
  /** The value as it reads: `$12.50`, `3 orders`. */
  text: string;
}

const ROW = 28;
const LABEL_WIDTH = 170;
const VALUE_WIDTH = 90;
const WIDTH = 560;

/** Bars across, one row each: for a few named quantities (a funnel, units per product). */
export function HorizontalBars({ title, bars, id }: { title: string; bars: readonly Bar[]; id: string }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const track = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const height = Math.max(1, bars.length) * ROW + 8;
  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      {bars.length === 0 ? (
        <p>Nothing to show for this period.</p>
      ) : (
        <>
          <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-labelledby={`${id}-title`} aria-describedby={`${id}-table`}>
            {bars.map((bar, i) => {
              const y = 4 + i * ROW;
              return (
                <g key={bar.label}>
                  <text x={LABEL_WIDTH - 8} y={y + ROW / 2} text-anchor="end" dominant-baseline="middle" class="chart-label">
                    {truncate(bar.label, 24)}
                  </text>
                  <rect x={LABEL_WIDTH} y={y + 4} width={Math.max(2, (bar.value / max) * track)} height={ROW - 8} rx="3" class="chart-bar" />
                  <text x={LABEL_WIDTH + Math.max(2, (bar.value / max) * track) + 6} y={y + ROW / 2} dominant-baseline="middle" class="chart-value">
                    {bar.text}
                  </text>
                </g>
              );
            })}
          </svg>
          <DataTable id={`${id}-table`} title={title} bars={bars} />
        </>
      )}
    </figure>
  );
}

/** Columns up, one per period: revenue by day. */
export function Columns({ title, bars, id }: { title: string; bars: readonly Bar[]; id: string }) {
  const height = 200;
  const top = 20;
  const bottom = 28;
  const slot = WIDTH / Math.max(1, bars.length);
  const max = Math.max(1, ...bars.map((b) => b.value));
  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-labelledby={`${id}-title`} aria-describedby={`${id}-table`}>
        <line x1="0" x2={WIDTH} y1={height - bottom} y2={height - bottom} class="chart-axis" />
        {bars.map((bar, i) => {
          const h = (bar.value / max) * (height - top - bottom);
          const x = i * slot + slot * 0.15;
          return (
            <g key={bar.label}>
              <rect x={x} y={height - bottom - h} width={slot * 0.7} height={Math.max(h, bar.value > 0 ? 2 : 0)} rx="3" class="chart-bar" />
              {bar.value > 0 ? (
                <text x={x + slot * 0.35} y={height - bottom - h - 5} text-anchor="middle" class="chart-value">
                  {bar.text}
                </text>
              ) : null}
              <text x={x + slot * 0.35} y={height - 9} text-anchor="middle" class="chart-label">
                {bar.label}
              </text>
            </g>
          );
        })}
      </svg>
      <DataTable id={`${id}-table`} title={title} bars={bars} />
    </figure>
  );
}

function DataTable({ id, title, bars }: { id: string; title: string; bars: readonly Bar[] }) {
  return (
    <details class="chart-data">
      <summary>
        Show the numbers <span class="visually-hidden">of {title}</span>
      </summary>
      <table id={id} class="lines">
        <tbody>
          {bars.map((bar) => (
            <tr key={bar.label}>
              <th scope="row">{bar.label}</th>
              <td class="number">{bar.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
