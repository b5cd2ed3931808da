import { LedgerError, MAX_BATCH, splitIntoBatches } from '@speedledger/ledger-client';
import { Prng } from '@speedledger/orderer-bft/sim';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';
import { selectBatch } from './batch-selection.js';
import { classifyFailure } from './failure-class.js';

describe('classifyFailure', () => {
  const cases: [LedgerError, string, string][] = [
    [new LedgerError('UNAVAILABLE', 'no peer', { stage: 'endorse' }), 'transient', 'UNAVAILABLE'],
    [new LedgerError('SUBMIT_FAILED', 'SERVICE_UNAVAILABLE', { stage: 'submit' }), 'transient', 'SUBMIT_FAILED'],
    [new LedgerError('ENDORSE_FAILED', 'policy', { stage: 'endorse' }), 'transient', 'ENDORSE_FAILED'],
    [new LedgerError('TIMEOUT', 'deadline', { stage: 'endorse' }), 'transient', 'TIMEOUT_ENDORSE'],
    [new LedgerError('TIMEOUT', 'deadline', { stage: 'commit' }), 'unknown', 'TIMEOUT_COMMIT'],
    [new LedgerError('TIMEOUT', 'deadline', { stage: 'submit' }), 'unknown', 'TIMEOUT_SUBMIT'],
    [new LedgerError('COMMIT_FAILED', 'invalid', { stage: 'commit', validationCode: 'MVCC_READ_CONFLICT' }), 'transient', 'MVCC_READ_CONFLICT'],
    [new LedgerError('COMMIT_FAILED', 'status lost', { stage: 'commit' }), 'unknown', 'COMMIT_STATUS_UNKNOWN'],
    [new LedgerError('CONTRACT_REJECTED', '[INVALID_ARGUMENT] batch', { stage: 'endorse', contractCode: 'INVALID_ARGUMENT' }), 'rejected', 'CONTRACT_REJECTED'],
    [new LedgerError('INVALID_CONFIG', 'profile', { stage: 'connect' }), 'park', 'INVALID_CONFIG'],
    [new LedgerError('IDENTITY_REJECTED', 'certificate expired', { stage: 'endorse' }), 'park', 'IDENTITY_REJECTED'],
    [new LedgerError('SUBMIT_FAILED', '8 RESOURCE_EXHAUSTED: Received message larger than max (1216308 vs 1114112)', { stage: 'submit' }), 'too-large', 'TOO_LARGE'],
    [new LedgerError('ENDORSE_FAILED', 'request of 2000000 bytes exceeds the limit: RESOURCE_EXHAUSTED', { stage: 'endorse' }), 'too-large', 'TOO_LARGE'],
  ];
  it.each(cases)('%s → %s', (error, kind, cause) => {
    expect(classifyFailure(error)).toMatchObject({ kind, cause });
  });

  it('anything that is not a LedgerError has an unknown outcome (look up, never resend blind)', () => {
    expect(classifyFailure(new Error('socket hang up')).kind).toBe('unknown');
  });
});

describe('backoffDelay', () => {
  it('doubles up to the cap, jittered into [½, 1) of the ceiling, reproducibly from a seed', () => {
    const policy = { baseMs: 100, maxMs: 1_000 };
    const draw = (seed: number) => {
      const prng = new Prng(seed);
      return [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, policy, prng.float()));
    };
    const delays = draw(7);
    expect(draw(7)).toEqual(delays);
    expect(draw(8)).not.toEqual(delays);
    const ceilings = [100, 200, 400, 800, 1_000, 1_000];
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(ceilings[i]! / 2);
      expect(d).toBeLessThanOrEqual(ceilings[i]!);
    });
  });
});

describe('selectBatch', () => {
  const w = (key: string) => ({ key, meterId: key.split('@')[0]! });
  it('skips busy meters, keeps arrival order, caps the size, lets one meter share a transaction', () => {
    const waiting = [w('A@1'), w('B@1'), w('A@2'), w('C@1'), w('D@1')];
    const { chosen, rest } = selectBatch(waiting, new Set(['B']), 3);
    expect(chosen.map((c) => c.key)).toEqual(['A@1', 'A@2', 'C@1']);
    expect(rest.map((c) => c.key)).toEqual(['B@1', 'D@1']);
  });
  it('never puts the same reading twice in one transaction', () => {
    const { chosen, rest } = selectBatch([w('A@1'), w('A@1')], new Set(), 10);
    expect(chosen).toHaveLength(1);
    expect(rest).toHaveLength(1);
  });
});

// The batcher's byte split (ledger-client's splitIntoBatches over queue records).
describe('splitting a transaction by bytes', () => {
  const item = (n: number) => ({ raw: new Uint8Array(n) });
  const chunkByBytes = <T extends { raw: Uint8Array }>(items: readonly T[], maxBytes: number): T[][] =>
    splitIntoBatches(items, MAX_BATCH, maxBytes, (i) => i.raw.length);
  it('keeps order, stays under the budget, and never leaves a reading out', () => {
    const items = [item(400), item(400), item(300), item(900), item(100)];
    const chunks = chunkByBytes(items, 1000);
    expect(chunks.map((c) => c.map((i) => i.raw.length))).toEqual([[400, 400], [300], [900, 100]]);
    expect(chunks.flat()).toEqual(items);
  });
  it('gives a reading larger than the budget a transaction of its own', () => {
    expect(chunkByBytes([item(10), item(5000), item(10)], 1000).map((c) => c.length)).toEqual([1, 1, 1]);
    expect(chunkByBytes([], 1000)).toEqual([]);
  });
});
