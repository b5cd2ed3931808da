import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch } from './batch-framing.js';

describe('batch framing', () => {
  const items = [Uint8Array.from([1, 2, 3]), Uint8Array.from([4]), Uint8Array.from([5, 6])];

  it('round-trips readings of any length, in order', () => {
    const body = encodeBatch(items);
    expect(body.length).toBe(3 * 4 + 6);
    const decoded = decodeBatch(body, 10);
    expect(decoded.ok).toBe(true);
    if (decoded.ok) expect(decoded.items.map((i) => [...i])).toEqual(items.map((i) => [...i]));
  });

  const bad: [string, Uint8Array, number, RegExp][] = [
    ['an empty body', new Uint8Array(0), 10, /empty batch/],
    ['a truncated length prefix', Uint8Array.from([0, 0, 1]), 10, /truncated length prefix at byte 0/],
    ['a zero length', Uint8Array.from([0, 0, 0, 0]), 10, /item 0 has length 0/],
    ['a length past the end', Uint8Array.from([0, 0, 0, 5, 1, 2]), 10, /item 0 declares 5 bytes, only 2 remain/],
    ['trailing garbage after the last item', Buffer.concat([encodeBatch(items), Buffer.from([9])]), 10, /truncated length prefix at byte 18/],
    ['more items than allowed', encodeBatch(items), 2, /more than 2 items/],
  ];
  it.each(bad)('refuses %s with a clear reason', (_what, body, max, reason) => {
    const decoded = decodeBatch(body, max);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.detail).toMatch(reason);
  });
});
