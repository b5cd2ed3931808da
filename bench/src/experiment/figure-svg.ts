/**
 * A small SVG line-plot writer for the benchmark figures (no plotting library): panels side by
 * side, each with linear axes, "nice" ticks, line series, reference points and horizontal
 * reference lines, a legend, and caption lines under the panels (machine, command, load).
 */

/** One series of a panel. */
export interface PlotSeries {
  readonly label: string;
  readonly color: string;
  /** `line`: points joined in x order; `points`: markers only; `hline`: a horizontal line at points[0].y. */
  readonly kind: 'line' | 'points' | 'hline';
  readonly points: readonly { readonly x: number; readonly y: number; readonly note?: string }[];
  readonly dashed?: boolean;
  readonly marker?: 'circle' | 'square' | 'diamond';
}

/** One panel (one pair of axes). */
export interface PlotPanel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly PlotSeries[];
  /** Lower bound of the y range to always include (default 0). */
  readonly yMin?: number;
  /** Upper bound of the x range to always include (panels side by side share one x range). */
  readonly xMax?: number;
}

/** A whole figure. */
export interface PlotFigure {
  readonly title: string;
  readonly panels: readonly PlotPanel[];
  /** Lines under the panels (machine, exact command, load average). */
  readonly caption: readonly string[];
}

/** Escapes text for SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * Tick values covering [min, max] with the 1–2–5 step nearest range/`count`; the first tick is
 * ≤ min and the last ≥ max. Degenerate ranges widen to one unit.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new Error(`ticks need finite bounds, not [${min}, ${max}]`);
  let lo = Math.min(min, max);
  let hi = Math.max(min, max);
  if (hi === lo) hi = lo + 1;
  const raw = (hi - lo) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  // The 1-2-5 step nearest the raw step (on a log scale).
  const step = [1, 2, 5, 10].map((m) => m * magnitude).reduce((best, s) => (Math.abs(Math.log(s / raw)) < Math.abs(Math.log(best / raw)) ? s : best));
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  // Rounded so 0.1 + 0.2 does not print as 0.30000000000000004.
  for (let t = lo; t <= hi + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

const PANEL_W = 520;
const PANEL_H = 340;
const MARGIN = { left: 70, right: 20, top: 50, bottom: 55 };
const LEGEND_LINE = 16;
const CAPTION_LINE = 15;

function formatTick(v: number): string {
  return Math.abs(v) >= 10_000 ? `${v / 1000}k` : String(v);
}

function marker(shape: PlotSeries['marker'], x: number, y: number, color: string): string {
  const p = (n: number): string => n.toFixed(1);
  if (shape === 'square') return `<rect x="${p(x - 4)}" y="${p(y - 4)}" width="8" height="8" fill="${color}"/>`;
  if (shape === 'diamond') return `<path d="M${p(x)} ${p(y - 6)}L${p(x + 6)} ${p(y)}L${p(x)} ${p(y + 6)}L${p(x - 6)} ${p(y)}Z" fill="none" stroke="${color}" stroke-width="2"/>`;
  return `<circle cx="${p(x)}" cy="${p(y)}" r="3.5" fill="${color}"/>`;
}

function renderPanel(panel: PlotPanel, offsetX: number): string {
  const all = panel.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const xs = panel.series.filter((s) => s.kind !== 'hline').flatMap((s) => s.points.map((p) => p.x)).filter(Number.isFinite);
  const xTicks = niceTicks(0, Math.max(panel.xMax ?? 0, ...xs, xs.length === 0 ? 1 : 0));
  const yTicks = niceTicks(panel.yMin ?? 0, all.length === 0 ? 1 : Math.max(...all.map((p) => p.y)) * 1.05);
  const [x0, x1] = [xTicks[0]!, xTicks.at(-1)!];
  const [y0, y1] = [yTicks[0]!, yTicks.at(-1)!];
  const plotW = PANEL_W - MARGIN.left - MARGIN.right;
  const plotH = PANEL_H - MARGIN.top - MARGIN.bottom;
  const sx = (x: number): number => offsetX + MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y: number): number => MARGIN.top + plotH - ((y - y0) / (y1 - y0)) * plotH;
  const out: string[] = [];
  out.push(`<text x="${offsetX + PANEL_W / 2}" y="28" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(panel.title)}</text>`);
  for (const t of yTicks) {
    out.push(`<line x1="${sx(x0).toFixed(1)}" x2="${sx(x1).toFixed(1)}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#ddd"/>`);
    out.push(`<text x="${(sx(x0) - 6).toFixed(1)}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end" font-size="11">${formatTick(t)}</text>`);
  }
  for (const t of xTicks) {
    out.push(`<line x1="${sx(t).toFixed(1)}" x2="${sx(t).toFixed(1)}" y1="${sy(y0).toFixed(1)}" y2="${(sy(y0) + 5).toFixed(1)}" stroke="#333"/>`);
    out.push(`<text x="${sx(t).toFixed(1)}" y="${(sy(y0) + 18).toFixed(1)}" text-anchor="middle" font-size="11">${formatTick(t)}</text>`);
  }
  out.push(`<rect x="${sx(x0).toFixed(1)}" y="${sy(y1).toFixed(1)}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${(offsetX + MARGIN.left + plotW / 2).toFixed(1)}" y="${PANEL_H - 12}" text-anchor="middle" font-size="12">${escapeXml(panel.xLabel)}</text>`);
  out.push(`<text transform="translate(${offsetX + 18} ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(panel.yLabel)}</text>`);
  for (const s of panel.series) {
    const dash = s.dashed === true ? ' stroke-dasharray="6 4"' : '';
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (s.kind === 'hline' && pts[0] !== undefined) {
      const y = sy(pts[0].y).toFixed(1);
      out.push(`<line x1="${sx(x0).toFixed(1)}" x2="${sx(x1).toFixed(1)}" y1="${y}" y2="${y}" stroke="${s.color}" stroke-width="1.5"${dash}/>`);
      continue;
    }
    if (s.kind === 'line' && pts.length > 1) {
      const d = [...pts].sort((a, b) => a.x - b.x).map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)} ${sy(p.y).toFixed(1)}`).join('');
      out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    }
    for (const p of pts) {
      out.push(marker(s.marker, sx(p.x), sy(p.y), s.color));
      if (p.note !== undefined) out.push(`<text x="${(sx(p.x) + 7).toFixed(1)}" y="${(sy(p.y) - 7).toFixed(1)}" font-size="10" fill="${s.color}">${escapeXml(p.note)}</text>`);
    }
  }
  return out.join('\n');
}

/** Renders the figure as a standalone SVG document. */
export function renderFigure(figure: PlotFigure): string {
  if (figure.panels.length === 0) throw new Error('a figure needs at least one panel');
  const labels = new Map<string, PlotSeries>();
  for (const panel of figure.panels) for (const s of panel.series) if (!labels.has(s.label)) labels.set(s.label, s);
  const width = PANEL_W * figure.panels.length;
  const legendTop = PANEL_H + 10;
  const legendRows = Math.ceil(labels.size / 2);
  const captionTop = legendTop + legendRows * LEGEND_LINE + 14;
  const height = captionTop + figure.caption.length * CAPTION_LINE + 10;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${escapeXml(figure.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  figure.panels.forEach((panel, i) => out.push(renderPanel(panel, i * PANEL_W)));
  [...labels.values()].forEach((s, i) => {
    const x = 30 + (i % 2) * (width / 2);
    const y = legendTop + Math.floor(i / 2) * LEGEND_LINE + 8;
    const dash = s.dashed === true ? ' stroke-dasharray="6 4"' : '';
    if (s.kind !== 'points') out.push(`<line x1="${x}" x2="${x + 24}" y1="${y}" y2="${y}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    if (s.kind !== 'hline') out.push(marker(s.marker, x + 12, y, s.color));
    out.push(`<text x="${x + 32}" y="${y + 4}" font-size="11">${escapeXml(s.label)}</text>`);
  });
  figure.caption.forEach((line, i) => {
    out.push(`<text x="10" y="${captionTop + i * CAPTION_LINE}" font-size="10" fill="#444" font-family="monospace">${escapeXml(line)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
