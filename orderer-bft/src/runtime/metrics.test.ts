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

  it('exports height, view and lag against the quorum, and serves /healthz from the health check', async () => {
    const gauges = { height: 5, view: 3, poolSize: 0, isLeader: false, decidedHeight: 6, quorumHeight: 40, quorumView: 4, behind: true, stateTransferInProgress: true };
    const metrics = new ReplicaMetrics(1, () => gauges);
    const text = metrics.render();
    expect(sample(text, 'orderer_height', '')).toBe(6);
    expect(sample(text, 'orderer_quorum_height', '')).toBe(40);
    expect(sample(text, 'orderer_quorum_view', '')).toBe(4);
    expect(sample(text, 'orderer_behind', '')).toBe(1);
    expect(sample(text, 'orderer_state_transfer_in_progress', '')).toBe(1);
    let health = { ok: true } as { ok: boolean; detail?: string };
    const { server, port } = await metrics.listen('127.0.0.1', 0, () => health);
    try {
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      health = { ok: false, detail: 'event loop stalled 2500 ms' };
      const red = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(red.status).toBe(503);
      expect(await red.json()).toMatchObject({ detail: 'event loop stalled 2500 ms' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('serves /status (who answers on this port) only when given one, 404 otherwise', async () => {
    const metrics = new ReplicaMetrics(0, () => ({ height: 1, view: 0, poolSize: 0, isLeader: true }));
    const withStatus = await metrics.listen('127.0.0.1', 0, undefined, () => ({ kind: 'orderer', id: 0, channel: 'c', certSha256: 'ab' }));
    const without = await metrics.listen('127.0.0.1', 0);
    try {
      expect(await (await fetch(`http://127.0.0.1:${withStatus.port}/status`)).json()).toEqual({ kind: 'orderer', id: 0, channel: 'c', certSha256: 'ab' });
      expect((await fetch(`http://127.0.0.1:${without.port}/status`)).status).toBe(404);
    } finally {
      await Promise.all([withStatus, without].map(({ server }) => new Promise((resolve) => server.close(resolve))));
    }
  });
});
