import { describe, expect, it } from 'vitest';
import type { ReadingStatus } from '../store/reading-status.js';
import { percentile, reconcileFeed, type FedReading } from './feed-reconciliation.js';

const fed = (seq: number, handoff: FedReading['handoff'], extra: Partial<FedReading> = {}): FedReading => ({ meterId: 'SP-000001', seq: String(seq), rawSha256: `h${seq}`, handoff, ...extra });
const status = (seq: number, s: Partial<ReadingStatus>): ReadingStatus => ({ meterId: 'SP-000001', seq: String(seq), rawSha256: `h${seq}`, status: 'committed', receivedAt: 0, attempts: 1, ...s });

describe('reconcileFeed', () => {
  it('accounts for every generated reading by its fate', () => {
    const statuses = new Map<string, ReadingStatus>([
      ['1', status(1, { verdict: 'ACCEPTED' })],
      ['2', status(2, { verdict: 'INVALIDATED' })],
      ['3', status(3, { status: 'refused', code: 'REVOKED_METER' })],
    ]);
    const r = reconcileFeed([fed(1, 'accepted'), fed(2, 'accepted'), fed(3, 'accepted'), fed(4, 'refused', { edgeCode: 'BAD_SIGNATURE' }), fed(5, 'undelivered')], (_m, seq) => statuses.get(seq));
    expect(r).toMatchObject({ generated: 5, accepted: 3, committed: 2, verdicts: { ACCEPTED: 1, INVALIDATED: 1 }, refused: { REVOKED_METER: 1 }, edgeRefused: { BAD_SIGNATURE: 1 }, undelivered: 1, pending: 0, missing: [], zeroLoss: true });
  });

  it('calls a receipted reading the API forgot, or holds with other bytes, missing', () => {
    const r = reconcileFeed([fed(1, 'accepted'), fed(2, 'accepted')], (_m, seq) => (seq === '2' ? status(2, { rawSha256: 'other' }) : undefined));
    expect(r.missing).toEqual(['SP-000001@1', 'SP-000001@2']);
    expect(r.zeroLoss).toBe(false);
  });

  it('is not zero-loss while readings are still queued or parked', () => {
    expect(reconcileFeed([fed(1, 'accepted')], () => status(1, { status: 'queued' }))).toMatchObject({ pending: 1, zeroLoss: false });
    expect(reconcileFeed([fed(1, 'accepted')], () => status(1, { status: 'parked', cause: 'TIMEOUT' }))).toMatchObject({ parked: { TIMEOUT: 1 }, zeroLoss: false });
  });

  it('takes nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
  });
});
