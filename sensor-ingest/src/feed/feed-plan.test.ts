import { describe, expect, it } from 'vitest';
import { firstSeqAt, parseDuration, parseSpeed, saoPauloTime } from './feed-plan.js';

describe('feed plan', () => {
  it('parses speeds and refuses nonsense', () => {
    expect(parseSpeed('60x')).toBe(60);
    expect(parseSpeed('2')).toBe(2);
    expect(parseSpeed('0.5x')).toBe(0.5);
    for (const bad of ['0x', 'x', '-2x', 'fast', '1e3x', '200000x']) expect(parseSpeed(bad)).toBeUndefined();
  });

  it('parses durations in s, m, h and combinations', () => {
    expect(parseDuration('300')).toBe(300_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    for (const bad of ['', '5 minutes', 'm5', '0s', '5m junk']) expect(parseDuration(bad)).toBeUndefined();
  });

  it('places local São Paulo time at UTC−3 and refuses impossible dates', () => {
    expect(new Date(saoPauloTime('2026-03-02', '07:30')!).toISOString()).toBe('2026-03-02T10:30:00.000Z');
    expect(new Date(saoPauloTime('2026-03-02', '23:00')!).toISOString()).toBe('2026-03-03T02:00:00.000Z');
    expect(saoPauloTime('2026-02-30', '07:00')).toBeUndefined();
    expect(saoPauloTime('2026-03-02', '24:00')).toBeUndefined();
    expect(saoPauloTime('tomorrow', '07:00')).toBeUndefined();
  });

  it('numbers a later run above an earlier one, within safe integers', () => {
    const early = firstSeqAt(Date.parse('2026-12-04T00:00:00Z'));
    const later = firstSeqAt(Date.parse('2026-12-04T00:00:01Z'));
    expect(later - early).toBe(1_000_000);
    expect(Number.isSafeInteger(firstSeqAt(Date.parse('2200-01-01T00:00:00Z')))).toBe(true);
  });
});
