import { LedgerError } from '@speedledger/ledger-client';
import { describe, expect, it } from 'vitest';
import { MemoryLedger } from '../test-support/memory-ledger.js';
import { smallDataset } from '../test-support/readings.js';
import { MeterRegistryCache } from './meter-registry-cache.js';

const { dataset } = smallDataset(2, 2, 77);
const [a, b] = dataset.fleet.meters as [typeof dataset.fleet.meters[0], typeof dataset.fleet.meters[0]];

function counting(ledger: MemoryLedger) {
  const calls: string[] = [];
  return { calls, source: { getMeter: async (id: string) => (calls.push(id), ledger.getMeter(id)) } };
}

describe('MeterRegistryCache', () => {
  it('asks the ledger once per meter while the entry is fresh, and again after its TTL', async () => {
    const ledger = new MemoryLedger();
    ledger.register(a);
    const { calls, source } = counting(ledger);
    let now = 0;
    const cache = new MeterRegistryCache(source, { positiveTtlMs: 1_000, now: () => now });
    const [first, second] = await Promise.all([cache.lookup(a.meterId), cache.lookup(a.meterId)]);
    expect(first?.status).toBe('ACTIVE');
    expect(second).toBe(first);
    expect(calls).toEqual([a.meterId]);
    now = 999;
    await cache.lookup(a.meterId);
    expect(calls).toHaveLength(1);
    ledger.revoke(a.meterId);
    now = 1_001;
    expect((await cache.lookup(a.meterId))?.status).toBe('REVOKED');
    expect(calls).toHaveLength(2);
  });

  it('remembers "not registered" only for the negative TTL, and a registration event drops it at once', async () => {
    const ledger = new MemoryLedger();
    const { calls, source } = counting(ledger);
    const cache = new MeterRegistryCache(source, { negativeTtlMs: 5_000, now: () => 0 });
    expect(await cache.lookup(b.meterId)).toBeUndefined();
    expect(await cache.lookup(b.meterId)).toBeUndefined();
    expect(calls).toHaveLength(1);
    ledger.register(b);
    cache.apply({ name: 'MeterRegistered', meterId: b.meterId });
    expect((await cache.lookup(b.meterId))?.status).toBe('ACTIVE');
    expect(calls).toHaveLength(2);
  });

  it('applies a revocation event at once, without asking the ledger, and keeps it past the TTL', async () => {
    const ledger = new MemoryLedger();
    ledger.register(a);
    const { calls, source } = counting(ledger);
    let now = 0;
    const cache = new MeterRegistryCache(source, { positiveTtlMs: 1_000, now: () => now });
    await cache.lookup(a.meterId);
    cache.apply({ name: 'MeterRevoked', meterId: a.meterId });
    now = 10_000;
    expect((await cache.lookup(a.meterId))?.status).toBe('REVOKED');
    expect(calls).toHaveLength(1);
  });

  it('rejects (and caches nothing) when the ledger cannot be asked', async () => {
    let fail = true;
    const ledger = new MemoryLedger();
    ledger.register(a);
    const cache = new MeterRegistryCache({
      getMeter: async (id) => {
        if (fail) throw new LedgerError('UNAVAILABLE', 'peer down', { stage: 'evaluate' });
        return ledger.getMeter(id);
      },
    });
    await expect(cache.lookup(a.meterId)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(cache.size).toBe(0);
    fail = false;
    expect((await cache.lookup(a.meterId))?.status).toBe('ACTIVE');
  });

  it('clear forgets every entry: each meter is read from the ledger again', async () => {
    const ledger = new MemoryLedger();
    ledger.register(a);
    const { calls, source } = counting(ledger);
    const cache = new MeterRegistryCache(source, { now: () => 0 });
    await cache.lookup(a.meterId);
    await cache.lookup(a.meterId);
    expect(calls).toEqual([a.meterId]);
    cache.clear();
    expect(cache.size).toBe(0);
    await cache.lookup(a.meterId);
    expect(calls).toEqual([a.meterId, a.meterId]);
  });
});
