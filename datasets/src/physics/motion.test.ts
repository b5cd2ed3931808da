import { describe, expect, it } from 'vitest';
import { Motion } from './motion.js';

describe('Motion', () => {
  it('inverts position to time under constant acceleration', () => {
    const m = new Motion(-2, 15, [{ durationS: Infinity, accel: -1.2 }]);
    for (const x of [-1, 0, 3.6, 8]) {
      const t = m.timeAt(x)!;
      expect(m.positionAt(t)).toBeCloseTo(x, 9);
    }
    expect(m.timeAt(-3)).toBeNull();
  });

  it('stands still during a stop and goes on afterwards', () => {
    const m = new Motion(0, 4, [
      { durationS: 2, accel: -2 },
      { durationS: 5, accel: 0 },
      { durationS: Infinity, accel: 1 },
    ]);
    expect(m.positionAt(2)).toBeCloseTo(4, 9);
    expect(m.positionAt(6.5)).toBeCloseTo(4, 9);
    expect(m.speedAt(4)).toBe(0);
    const t = m.timeAt(4.5)!;
    expect(t).toBeCloseTo(7 + 1, 9);
    const out = new Float64Array(11);
    m.sample(0, 1, out);
    expect(Array.from(out).every((x, i) => i === 0 || x >= out[i - 1]!)).toBe(true);
    expect(out[10]).toBeCloseTo(m.positionAt(10), 9);
  });

  it('refuses a motion that would go backwards', () => {
    expect(() => new Motion(0, 1, [{ durationS: 2, accel: -1 }])).toThrow(RangeError);
  });
});
