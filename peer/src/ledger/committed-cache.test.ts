import { describe, expect, it } from 'vitest';
import { CommittedCache } from './committed-cache.js';

interface Rec { readonly text: string; readonly blockNum: number }
const rec = (text: string, blockNum: number): Rec => ({ text, blockNum });

describe('CommittedCache', () => {
  it('tells a miss (undefined) from a key known absent (null), and serves what was filled', () => {
    const cache = new CommittedCache<Rec>(8);
    expect(cache.get('k')).toBeUndefined();
    cache.fill('k', undefined, cache.startRead());
    expect(cache.get('k')).toBeNull();
    const one = rec('one', 1);
    cache.fill('j', one, cache.startRead());
    expect(cache.get('j')).toBe(one);
  });

  it('drops a read that started before a commit, and applies the commit (deletes as absent)', () => {
    const cache = new CommittedCache<Rec>(8);
    const token = cache.startRead();
    const two = rec('two', 2);
    cache.commit([['k', two], ['gone', null]]);
    // The database read that started before the commit returns the old value: not installed.
    cache.fill('k', rec('one', 1), token);
    cache.fill('x', rec('x', 1), token);
    expect(cache.get('k')).toBe(two);
    expect(cache.get('gone')).toBeNull();
    expect(cache.get('x')).toBeUndefined();
  });

  it('forgets everything on clear, including reads in flight, and holds at most its capacity', () => {
    const cache = new CommittedCache<Rec>(2);
    const token = cache.startRead();
    cache.clear();
    cache.fill('a', rec('a', 1), token);
    expect(cache.get('a')).toBeUndefined();
    for (const key of ['a', 'b', 'c']) cache.fill(key, rec(key, 1), cache.startRead());
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')?.blockNum).toBe(1);
    expect(cache.get('c')?.blockNum).toBe(1);
  });
});
