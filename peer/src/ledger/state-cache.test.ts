import { describe, expect, it } from 'vitest';
import type { StateRecord } from './ledger-records.js';
import { StateCache } from './state-cache.js';

const record = (text: string, blockNum: number): StateRecord => ({ value: new TextEncoder().encode(text), version: { blockNum, txNum: 0 }, metadata: new Map() });

describe('StateCache', () => {
  it('tells a miss (undefined) from a key known absent (null), and serves what was filled', () => {
    const cache = new StateCache(8);
    expect(cache.get('cc', 'k')).toBeUndefined();
    cache.fill('cc', 'k', undefined, cache.startRead());
    expect(cache.get('cc', 'k')).toBeNull();
    const one = record('one', 1);
    cache.fill('cc', 'j', one, cache.startRead());
    expect(cache.get('cc', 'j')).toBe(one);
    // Same key in another namespace is another entry.
    expect(cache.get('other', 'j')).toBeUndefined();
  });

  it('drops a read that started before a commit, and applies the commit (deletes as absent)', () => {
    const cache = new StateCache(8);
    const token = cache.startRead();
    const two = record('two', 2);
    cache.commit([{ namespace: 'cc', key: 'k', record: two }, { namespace: 'cc', key: 'gone', record: null }]);
    // The database read that started before the commit returns the old value: not installed.
    cache.fill('cc', 'k', record('one', 1), token);
    cache.fill('cc', 'x', record('x', 1), token);
    expect(cache.get('cc', 'k')).toBe(two);
    expect(cache.get('cc', 'gone')).toBeNull();
    expect(cache.get('cc', 'x')).toBeUndefined();
  });

  it('forgets everything on clear, including reads in flight, and holds at most its capacity', () => {
    const cache = new StateCache(2);
    const token = cache.startRead();
    cache.clear();
    cache.fill('cc', 'a', record('a', 1), token);
    expect(cache.get('cc', 'a')).toBeUndefined();
    for (const key of ['a', 'b', 'c']) cache.fill('cc', key, record(key, 1), cache.startRead());
    expect(cache.get('cc', 'a')).toBeUndefined();
    expect(cache.get('cc', 'b')?.version.blockNum).toBe(1);
    expect(cache.get('cc', 'c')?.version.blockNum).toBe(1);
  });
});
