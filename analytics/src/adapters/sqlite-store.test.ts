import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReadingObservation } from '../surveillance/observations.js';
import type { SurveillanceFinding } from '../surveillance/surveillance-finding.js';
import { openSqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
function tempFile(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'speedledger-surveillance-'));
  dirs.push(dir);
  return join(dir, name);
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const obs = (seq: number): ReadingObservation => ({
  meterId: 'SP-000001', seq: String(seq), t0Us: String(1_000_000 * seq), txTimeMs: 1000 * seq + 500, verdict: 'ACCEPTED', reason: null, speedCentiKmh: 5000 + seq,
  speedLimitKmh: 50, road: 'Av. Paulista', blockNumber: seq, txId: `tx${seq}`, endorsers: ['InmetroMSP'],
});
const finding = (key: string): SurveillanceFinding => ({ kind: 'SEQUENCE_GAP', severity: 'warning', meterId: 'SP-000001', key, evidence: ['tx1'], sentence: 's', metrics: { missing: 1 } });

describe('SQLite surveillance store (better-sqlite3)', () => {
  it('stores observations, invalid transactions and refusals once each, and keeps them across a reopen', () => {
    const file = tempFile('s.sqlite');
    const store = openSqliteStore(file);
    store.addObservations([obs(2), obs(1)]);
    store.addObservations([obs(1)]);
    store.addInvalid([{ blockNumber: 3, txId: 'x', code: 'MVCC_READ_CONFLICT', creatorMspId: 'A', txTimeMs: 1 }]);
    store.addInvalid([{ blockNumber: 3, txId: 'x', code: 'MVCC_READ_CONFLICT', creatorMspId: 'A', txTimeMs: 1 }]);
    store.addRefusals([{ atMs: 5, code: 'BAD_SIGNATURE', meterId: 'SP-000001', seq: '9' }, { atMs: 5, code: 'BAD_SIGNATURE', meterId: 'SP-000001', seq: '9' }]);
    store.setMeterLocation('SP-000001', 'Av. Paulista, 1000');
    store.setCursor('next-block', '4');
    store.close();
    const again = openSqliteStore(file);
    expect(again.observations()).toEqual([obs(1), obs(2)]);
    expect(again.invalid()).toHaveLength(1);
    expect(again.refusals()).toEqual([{ atMs: 5, code: 'BAD_SIGNATURE', meterId: 'SP-000001', seq: '9' }]);
    expect(again.meterLocation('SP-000001')).toBe('Av. Paulista, 1000');
    expect(again.getCursor('next-block')).toBe('4');
    again.close();
  });

  it('findings keep their first-seen time, and ones no longer shown become inactive', () => {
    const store = openSqliteStore(tempFile('f.sqlite'));
    store.saveFindings([finding('a'), finding('b')], 100);
    store.saveFindings([finding('a')], 200);
    expect(store.findings().map((f) => [f.key, f.firstSeenMs, f.lastSeenMs, f.active])).toEqual([['a', 100, 200, true], ['b', 100, 100, false]]);
    expect(store.findings({ activeOnly: true }).map((f) => f.key)).toEqual(['a']);
    store.close();
  });

  it('a file that is not a database is a clear STORE_FAILED error', () => {
    const file = tempFile('junk.sqlite');
    writeFileSync(file, 'this is not sqlite, just text long enough to have a header of sorts........................');
    expect(() => openSqliteStore(file)).toThrow(expect.objectContaining({ code: 'STORE_FAILED' }));
  });
});
