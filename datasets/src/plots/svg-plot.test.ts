import { describe, expect, it } from 'vitest';
import { readingSvg } from './svg-plot.js';

describe('readingSvg', () => {
  const loopA = new Uint16Array(5000).map((_, i) => 30_000 + (i > 1000 && i < 2000 ? 2000 : 0));
  const loopB = new Uint16Array(5000).map((_, i) => 21_000 + (i > 1500 && i < 2500 ? 1500 : 0));

  it('draws both channels, bounded in points, with the truth marks and escaped text', () => {
    const svg = readingSvg({ title: 'a <car> & more', subtitle: 'x', sampleRateHz: 1000, loopA, loopB, tAFrontS: 1.0, tBFrontS: 1.5 });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('a &lt;car&gt; &amp; more');
    const polylines = svg.match(/<polyline[^>]*points="([^"]*)"/g) ?? [];
    expect(polylines).toHaveLength(2);
    for (const p of polylines) expect(p.split(' ').length).toBeLessThan(4000);
    expect(svg).toContain('front at A = 1.0000 s');
    expect(svg).toContain('front at B = 1.5000 s');
  });

  it('leaves out a mark the truth does not have', () => {
    const svg = readingSvg({ title: 't', subtitle: 's', sampleRateHz: 1000, loopA, loopB, tAFrontS: null, tBFrontS: null });
    expect(svg).not.toContain('front at');
  });
});
