import { h, s } from './dom';

/**
 * Inline SVG charts, as the licence report page draws them (shared/audit/render-html.ts), made
 * with DOM calls: colours are presentation attributes, not style, so the strict CSP allows them.
 * Every bar and point carries its value in data attributes, and shows it as text.
 */
export const PALETTE = ['#0f6cbd', '#c4314b', '#107c10', '#8764b8', '#ca5010', '#038387', '#5c2e91', '#986f0b'];

export interface Bar {
  label: string;
  value: number;
  display: string;
  alert?: boolean;
}

export function barChart(id: string, title: string, rows: Bar[], max: number): HTMLElement {
  const height = rows.length * 28 + 10;
  const bars = rows.map((r, i) => {
    const width = max > 0 ? Math.max(1, Math.round((r.value / max) * 340)) : 1;
    const y = i * 28 + 5;
    return s(
      'g',
      { className: 'bar', 'data-label': r.label, 'data-value': r.value },
      s('text', { x: 0, y: y + 15 }, r.label),
      s('rect', { x: 230, y, width, height: 20, fill: r.alert ? '#c4314b' : '#0f6cbd' }),
      s('text', { x: 236 + width, y: y + 15, className: 'value' }, r.display),
    );
  });
  const body = rows.length ? s('svg', { role: 'img', 'aria-label': `${title}: ${rows.map((r) => `${r.label} ${r.display}`).join(', ')}`, viewBox: `0 0 760 ${height}`, width: 760, height }, ...bars) : h('p', undefined, 'Nothing to show.');
  return h('figure', { id, className: 'chart' }, h('figcaption', undefined, title), body);
}

export interface Series {
  name: string;
  points: { date: string; value: number }[];
}

const W = 760;
const H = 280;
// The right margin holds half of the last date label, which is centred on its tick.
const M = { left: 72, right: 44, top: 24, bottom: 48 };

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  // Steps whose quarters are round numbers, as the y axis ticks at quarters.
  for (const step of [1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

export interface LineOptions {
  /** Each point's value as text beside it (default: when no series has more than 12 points; past that they collide). */
  valueLabels?: boolean;
  /** The y axis' top (a percentage's 100); by default the largest value with room above it for its label. */
  max?: number;
}

/** A line per series over dated x (one tick per day, thinned past ten) and a labelled y axis. */
export function lineChart(id: string, title: string, series: Series[], format: (v: number) => string, yTitle: string, options: LineOptions = {}): HTMLElement {
  const all = series.flatMap((x) => x.points);
  if (all.length === 0) return h('figure', { id, className: 'chart' }, h('figcaption', undefined, title), h('p', undefined, 'No data for this period.'));
  const days = [...new Set(all.map((p) => p.date.slice(0, 10)))].sort();
  const times = days.map((d) => Date.parse(`${d}T00:00:00Z`));
  const t0 = times[0] as number;
  const t1 = times[times.length - 1] as number;
  const xOf = (date: string) => {
    const t = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
    return t1 === t0 ? M.left + (W - M.left - M.right) / 2 : M.left + ((t - t0) / (t1 - t0)) * (W - M.left - M.right);
  };
  const top = options.max ?? niceMax(Math.max(...all.map((p) => p.value)) * 1.1);
  const yOf = (v: number) => H - M.bottom - (v / top) * (H - M.top - M.bottom);

  const every = Math.ceil(days.length / 10);
  const xTicks = days.filter((_, i) => i % every === 0).map((d) =>
    s('g', { className: 'tick x', 'data-date': d }, s('line', { x1: xOf(d), x2: xOf(d), y1: H - M.bottom, y2: H - M.bottom + 5, stroke: '#616161' }), s('text', { x: xOf(d), y: H - M.bottom + 20, 'text-anchor': 'middle' }, d)),
  );
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) =>
    s('g', { className: 'tick y' }, s('line', { x1: M.left, x2: W - M.right, y1: yOf(top * f), y2: yOf(top * f), stroke: '#e0e0e0' }), s('text', { x: M.left - 8, y: yOf(top * f) + 4, 'text-anchor': 'end' }, format(top * f))),
  );
  const labelled = options.valueLabels ?? series.every((x) => x.points.length <= 12);
  const lines = series.map((x, i) => {
    const colour = PALETTE[i % PALETTE.length] as string;
    const points = [...x.points].sort((a, b) => a.date.localeCompare(b.date));
    return s(
      'g',
      { className: 'series', 'data-series': x.name },
      points.length > 1 ? s('polyline', { fill: 'none', stroke: colour, 'stroke-width': 2, points: points.map((p) => `${xOf(p.date)},${yOf(p.value)}`).join(' ') }) : null,
      ...points.map((p) =>
        s(
          'g',
          { className: 'point', 'data-series': x.name, 'data-date': p.date.slice(0, 10), 'data-value': p.value },
          // The hover text says what the dot is, also where its value is not printed beside it.
          s('circle', { cx: xOf(p.date), cy: yOf(p.value), r: 4, fill: colour }, s('title', undefined, `${x.name}, ${p.date.slice(0, 10)}: ${format(p.value)}`)),
          labelled ? s('text', { x: xOf(p.date), y: yOf(p.value) - 8, 'text-anchor': 'middle', className: 'value' }, format(p.value)) : null,
        ),
      ),
    );
  });
  const svg = s(
    'svg',
    { role: 'img', 'aria-label': `${title}, ${days[0]} to ${days[days.length - 1]}`, viewBox: `0 0 ${W} ${H}`, width: W, height: H },
    ...yTicks,
    s('line', { x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom, stroke: '#616161' }),
    ...xTicks,
    s('text', { x: 14, y: M.top + (H - M.top - M.bottom) / 2, transform: `rotate(-90 14 ${M.top + (H - M.top - M.bottom) / 2})`, 'text-anchor': 'middle' }, yTitle),
    ...lines,
  );
  const legend = h(
    'ul',
    { className: 'legend' },
    ...series.map((x, i) => h('li', undefined, s('svg', { width: 12, height: 12, 'aria-hidden': 'true' }, s('rect', { width: 12, height: 12, fill: PALETTE[i % PALETTE.length] as string })), ` ${x.name}`)),
  );
  return h('figure', { id, className: 'chart' }, h('figcaption', undefined, title), svg, legend);
}
