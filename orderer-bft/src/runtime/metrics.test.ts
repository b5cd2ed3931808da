import { describe, expect, it } from 'vitest';
import { ReplicaMetrics } from './metrics.js';

const sample = (text: string, name: string, labels: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
};

describe('ReplicaMetrics', () => {
  it('exports the core drop counters by reason, read at scrape time', () => {
    const core: { counters?: Record<string, number> } = {};
    const metrics = new ReplicaMetrics(2, () => ({ height: 5, view: 1, poolSize: 0, isLeader: false, ...core }));
    expect(sample(metrics.render(), 'orderer_protocol_messages_dropped_total', 'reason="invalid_signature"')).toBe(0);
    core.counters = { invalidSignature: 7, malformed: 2, rejectedDecisions: 3 };
    const text = metrics.render();
    expect(sample(text, 'orderer_protocol_messages_dropped_total', 'reason="invalid_signature"')).toBe(7);
    expect(sample(text, 'orderer_protocol_messages_dropped_total', 'reason="malformed"')).toBe(2);
    expect(sample(text, 'orderer_protocol_messages_dropped_total', 'reason="rejected_decision"')).toBe(3);
    expect(sample(text, 'orderer_protocol_messages_dropped_total', 'reason="stale"')).toBe(0);
    expect(text).toContain('orderer_protocol_messages_dropped_total{replica="2",reason="invalid_signature"} 7');
  });

  it('exports height, view and lag against the quorum', () => {
    const gauges = { height: 5, view: 3, poolSize: 0, isLeader: false, decidedHeight: 6, quorumHeight: 40, quorumView: 4, behind: true, stateTransferInProgress: true };
    const metrics = new ReplicaMetrics(1, () => gauges);
    const text = metrics.render();
    expect(sample(text, 'orderer_height', '')).toBe(6);
    expect(sample(text, 'orderer_quorum_height', '')).toBe(40);
    expect(sample(text, 'orderer_quorum_view', '')).toBe(4);
    expect(sample(text, 'orderer_behind', '')).toBe(1);
    expect(sample(text, 'orderer_state_transfer_in_progress', '')).toBe(1);
  });
});
