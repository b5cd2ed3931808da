/** One reading to draw: both channels and the ground-truth front crossings. */
export interface PlotInput {
  readonly title: string;
  readonly subtitle: string;
  readonly sampleRateHz: number;
  readonly loopA: Uint16Array;
  readonly loopB: Uint16Array;
  readonly tAFrontS: number | null;
  readonly tBFrontS: number | null;
}

const WIDTH = 960;
const PANEL_H = 220;
const LEFT = 78;
const RIGHT = 20;
const TOP = 58;
const GAP = 46;

function niceStep(span: number, targetTicks: number): number {
  const raw = span / targetTicks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Min/max decimation: keeps every peak while bounding the number of points drawn. */
function polyline(samples: Uint16Array, x: (i: number) => number, y: (c: number) => number, maxPoints: number): string {
  const n = samples.length;
  const bucket = Math.max(1, Math.ceil(n / maxPoints));
  const pts: string[] = [];
  for (let start = 0; start < n; start += bucket) {
    const end = Math.min(n, start + bucket);
    let lo = start, hi = start;
    for (let i = start; i < end; i++) {
      if (samples[i]! < samples[lo]!) lo = i;
      if (samples[i]! > samples[hi]!) hi = i;
    }
    for (const i of lo <= hi ? [lo, hi] : [hi, lo]) pts.push(`${x(i).toFixed(1)},${y(samples[i]!).toFixed(1)}`);
  }
  return pts.join(' ');
}

function panel(label: string, color: string, samples: Uint16Array, top: number, rate: number, mark: number | null, markLabel: string): string {
  const n = samples.length;
  const plotW = WIDTH - LEFT - RIGHT;
  let min = Infinity, max = -Infinity;
  for (const s of samples) {
    if (s < min) min = s;
    if (s > max) max = s;
  }
  const pad = Math.max(20, (max - min) * 0.08);
  const lo = min - pad, hi = max + pad;
  const durationS = n / rate;
  const x = (i: number): number => LEFT + (i / Math.max(1, n - 1)) * plotW;
  const xt = (t: number): number => LEFT + (t / durationS) * plotW;
  const y = (c: number): number => top + PANEL_H - ((c - lo) / (hi - lo)) * PANEL_H;
  const parts: string[] = [];
  parts.push(`<rect x="${LEFT}" y="${top}" width="${plotW}" height="${PANEL_H}" fill="#fbfbfb" stroke="#999"/>`);
  const yStep = niceStep(hi - lo, 5);
  for (let v = Math.ceil(lo / yStep) * yStep; v <= hi; v += yStep) {
    parts.push(`<line x1="${LEFT}" x2="${LEFT + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11">${v}</text>`);
  }
  const tStep = niceStep(durationS, 10);
  for (let t = 0; t <= durationS + 1e-9; t += tStep) {
    parts.push(`<line x1="${xt(t).toFixed(1)}" x2="${xt(t).toFixed(1)}" y1="${top}" y2="${top + PANEL_H}" stroke="#eeeeee"/>`);
    parts.push(`<text x="${xt(t).toFixed(1)}" y="${top + PANEL_H + 14}" text-anchor="middle" font-size="11">${Number(t.toFixed(3))}</text>`);
  }
  parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.2" points="${polyline(samples, x, y, 1800)}"/>`);
  if (mark !== null) {
    parts.push(`<line x1="${xt(mark).toFixed(1)}" x2="${xt(mark).toFixed(1)}" y1="${top}" y2="${top + PANEL_H}" stroke="#d62728" stroke-dasharray="5,4" stroke-width="1.5"/>`);
    parts.push(`<text x="${(xt(mark) + 4).toFixed(1)}" y="${top + 14}" font-size="11" fill="#d62728">${escape(markLabel)} = ${mark.toFixed(4)} s</text>`);
  }
  parts.push(`<text x="${LEFT + 6}" y="${top + PANEL_H - 8}" font-size="13" font-weight="bold" fill="${color}">${escape(label)}</text>`);
  return parts.join('\n');
}

/**
 * A hand-written SVG of one reading: loop A above loop B on a shared time axis (seconds from
 * sample 0), counts on the vertical axes, dashed red lines where the ground truth says the
 * vehicle's front crossed each loop's leading edge.
 */
export function readingSvg(input: PlotInput): string {
  const height = TOP + 2 * PANEL_H + GAP + 40;
  const body = [
    `<text x="${LEFT}" y="24" font-size="16" font-weight="bold">${escape(input.title)}</text>`,
    `<text x="${LEFT}" y="44" font-size="12" fill="#444">${escape(input.subtitle)}</text>`,
    panel('loop A (counts)', '#1f77b4', input.loopA, TOP, input.sampleRateHz, input.tAFrontS, 'front at A'),
    panel('loop B (counts)', '#2ca02c', input.loopB, TOP + PANEL_H + GAP, input.sampleRateHz, input.tBFrontS, 'front at B'),
    `<text x="${LEFT + (WIDTH - LEFT - RIGHT) / 2}" y="${height - 8}" text-anchor="middle" font-size="12">time from sample 0 (s)</text>`,
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${body.join('\n')}\n</svg>\n`;
}
