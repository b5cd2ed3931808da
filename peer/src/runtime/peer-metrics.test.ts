import { describe, expect, it } from 'vitest';
import { PeerMetrics } from './peer-metrics.js';

describe('PeerMetrics', () => {
  it('renders height, endorsements by outcome and commits by validation code name', () => {
    const metrics = new PeerMetrics();
    metrics.height = 5;
    metrics.endorsement('success');
    metrics.endorsement('success');
    metrics.endorsement('failure');
    metrics.commit(0);
    metrics.commit(11);
    metrics.commit(11);
    const text = metrics.render((code) => (code === 0 ? 'VALID' : code === 11 ? 'MVCC_READ_CONFLICT' : String(code)));
    expect(text).toContain('speedledger_peer_ledger_height 5');
    expect(text).toContain('speedledger_peer_endorsements_total{outcome="success"} 2');
    expect(text).toContain('speedledger_peer_endorsements_total{outcome="failure"} 1');
    expect(text).toContain('speedledger_peer_transactions_committed_total{code="VALID"} 1');
    expect(text).toContain('speedledger_peer_transactions_committed_total{code="MVCC_READ_CONFLICT"} 2');
    expect(text.endsWith('\n')).toBe(true);
  });
});
