import { describe, expect, it } from 'vitest';
import { escapeXml, niceTicks, renderFigure, type PlotFigure } from './figure-svg.js';

describe('niceTicks', () => {
  it('covers the range with a 1-2-5 step', () => {
    expect(niceTicks(0, 1200)).toEqual([0, 200, 400, 600, 800, 1000, 1200]);
    expect(niceTicks(0, 380)).toEqual([0, 100, 200, 300, 400]);
    expect(niceTicks(0, 0.33)).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
    expect(niceTicks(3, 7)).toEqual([3, 4, 5, 6, 7]);
  });

  it('widens a degenerate range and refuses non-finite bounds', () => {
    expect(niceTicks(5, 5).length).toBeGreaterThan(1);
    expect(() => niceTicks(0, Number.NaN)).toThrow(/finite/);
  });
});

describe('escapeXml', () => {
  it('escapes markup characters', () => {
    expect(escapeXml(`a<b & "c" 'd'>`)).toBe('a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;');
  });
});

describe('renderFigure', () => {
  const figure: PlotFigure = {
    title: 'T & U',
    panels: [
      {
        title: 'Throughput', xLabel: 'clients', yLabel: 'tx/s',
        series: [
          { label: 'ours', color: '#123456', kind: 'line', marker: 'circle', points: [{ x: 600, y: 40 }, { x: 4, y: 20 }, { x: 100, y: Number.NaN }] },
          { label: 'paper', color: '#000000', kind: 'points', marker: 'diamond', points: [{ x: 600, y: 380, note: '380 tx/s' }] },
          { label: 'solo <ref>', color: '#777777', kind: 'hline', dashed: true, points: [{ x: 0, y: 300 }] },
        ],
      },
      { title: 'Latency', xLabel: 'clients', yLabel: 's', series: [{ label: 'ours', color: '#123456', kind: 'line', points: [{ x: 4, y: 0.1 }] }] },
    ],
    caption: ['machine: 2 × CPU', 'command: npm run bench -- clients --levels 4,600'],
  };
  const svg = renderFigure(figure);

  it('is one SVG document with both panels side by side', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="1040"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('>Throughput<');
    expect(svg).toContain('>Latency<');
  });

  it('prints the caption lines (machine, command) and escapes text', () => {
    expect(svg).toContain('>machine: 2 × CPU<');
    expect(svg).toContain('>command: npm run bench -- clients --levels 4,600<');
    expect(svg).toContain('<title>T &amp; U</title>');
    expect(svg).toContain('solo &lt;ref&gt;');
  });

  it('joins a line series in x order, skips non-finite points, and labels reference points', () => {
    // 4 clients (20 tx/s) comes first in the path although it was given second.
    const path = /<path d="(M[^"]+)" fill="none" stroke="#123456"/.exec(svg)?.[1];
    expect(path?.match(/[ML]/g)).toEqual(['M', 'L']);
    const [first, second] = path!.slice(1).split('L').map((p) => Number(p.split(' ')[0]));
    expect(first!).toBeLessThan(second!);
    expect(svg).toContain('>380 tx/s<');
    expect(svg).toContain('stroke-dasharray="6 4"');
  });

  it('lists each series once in the legend', () => {
    expect(svg.match(/>ours</g)?.length).toBe(1);
  });

  it('refuses a figure without panels', () => {
    expect(() => renderFigure({ title: 'x', panels: [], caption: [] })).toThrow(/at least one panel/);
  });
});
