import { describe, expect, it } from 'vitest';
import { BoundedLru } from './bounded-lru.js';

describe('BoundedLru', () => {
  it('never holds more than its capacity and evicts the least recently used entry', () => {
    const lru = new BoundedLru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect(lru.size).toBe(2);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.get('c')).toBe(3);
    for (let i = 0; i < 100; i += 1) lru.set(`k${i}`, i);
    expect(lru.size).toBe(2);
    expect([lru.get('k98'), lru.get('k99')]).toEqual([98, 99]);
  });

  it('replaces a value without growing, and a capacity of 0 keeps nothing', () => {
    const lru = new BoundedLru<string, number>(1);
    lru.set('a', 1);
    lru.set('a', 2);
    expect([lru.size, lru.get('a')]).toEqual([1, 2]);
    const none = new BoundedLru<string, number>(0);
    none.set('a', 1);
    expect([none.size, none.get('a')]).toEqual([0, undefined]);
    lru.clear();
    expect(lru.size).toBe(0);
  });

  it.each([-1, 1.5, Number.NaN])('refuses capacity %s', (capacity) => {
    expect(() => new BoundedLru(capacity)).toThrow(RangeError);
  });
});
