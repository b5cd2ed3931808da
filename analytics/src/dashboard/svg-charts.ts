/** Small server-rendered SVG charts (no script, no external resource). */

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Vertical bars with labels and values; `data-value` attributes let tests read the numbers. */
export function barChart(bars: readonly { label: string; value: number }[], options: { id: string; width?: number; height?: number; title: string }): string {
  const width = options.width ?? 600;
  const height = options.height ?? 200;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const w = bars.length === 0 ? 0 : (width - 40) / bars.length;
  const items = bars.map((b, i) => {
    const h = ((height - 40) * b.value) / max;
    const x = 30 + i * w;
    return `<g class="bar" data-label="${esc(b.label)}" data-value="${b.value}"><rect x="${x.toFixed(1)}" y="${(height - 20 - h).toFixed(1)}" width="${Math.max(1, w - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="#3a6ea5"><title>${esc(b.label)}: ${b.value}</title></rect>${bars.length <= 24 ? `<text x="${(x + w / 2).toFixed(1)}" y="${height - 6}" font-size="9" text-anchor="middle">${esc(b.label)}</text>` : ''}</g>`;
  });
  return `<svg id="${esc(options.id)}" role="img" aria-label="${esc(options.title)}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><text x="4" y="12" font-size="11">${esc(options.title)} (max ${max})</text><line x1="28" y1="${height - 20}" x2="${width - 8}" y2="${height - 20}" stroke="#444"/>${items.join('')}</svg>`;
}

/** A histogram of `values` in `bins` equal bins over [min, max]. */
export function histogram(values: readonly number[], options: { id: string; title: string; bins?: number; unit?: string }): string {
  if (values.length === 0) return `<p id="${esc(options.id)}">No data.</p>`;
  const bins = options.bins ?? 20;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const step = (hi - lo) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / step))]! += 1;
  return barChart(counts.map((c, i) => ({ label: `${(lo + i * step).toFixed(0)}${options.unit ?? ''}`, value: c })), { id: options.id, title: options.title });
}

/** Line series over a shared x axis, with optional vertical markers (e.g. detected edges). */
export function lineChart(series: readonly { name: string; color: string; points: readonly number[] }[], options: { id: string; title: string; markers?: readonly { x: number; label: string; color: string }[]; width?: number; height?: number }): string {
  const width = options.width ?? 800;
  const height = options.height ?? 220;
  const n = Math.max(1, ...series.map((s) => s.points.length));
  const all = series.flatMap((s) => s.points);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const sx = (i: number): number => 30 + ((width - 40) * i) / Math.max(1, n - 1);
  const sy = (v: number): number => height - 20 - ((height - 40) * (v - lo)) / (hi - lo || 1);
  // At most ~800 points per path: the page stays light whatever the sample count.
  const stride = Math.max(1, Math.ceil(n / 800));
  const paths = series.map((s) => {
    const pts: string[] = [];
    for (let i = 0; i < s.points.length; i += stride) pts.push(`${sx(i).toFixed(1)},${sy(s.points[i]!).toFixed(1)}`);
    return `<polyline class="series" data-name="${esc(s.name)}" fill="none" stroke="${s.color}" stroke-width="1" points="${pts.join(' ')}"/>`;
  });
  const marks = (options.markers ?? []).map((m) => `<g class="marker" data-x="${m.x}"><line x1="${sx(m.x).toFixed(1)}" y1="16" x2="${sx(m.x).toFixed(1)}" y2="${height - 20}" stroke="${m.color}" stroke-dasharray="3,2"/><text x="${sx(m.x).toFixed(1)}" y="14" font-size="9" fill="${m.color}">${esc(m.label)}</text></g>`);
  return `<svg id="${esc(options.id)}" role="img" aria-label="${esc(options.title)}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><text x="4" y="12" font-size="11">${esc(options.title)}</text>${paths.join('')}${marks.join('')}</svg>`;
}
