import { describe, expect, it } from 'vitest';
import { startOperationsServer } from './operations-server.js';
import { PeerMetrics } from './peer-metrics.js';

describe('operations server', { timeout: 20_000 }, () => {
  it('serves health (200/503), status and metrics', async () => {
    let healthy = true;
    const metrics = new PeerMetrics();
    metrics.height = 5;
    metrics.endorsement('success');
    metrics.commit(0);
    metrics.commit(11);
    const server = await startOperationsServer('127.0.0.1:0', {
      health: () => ({ ledger: { ok: true }, orderer: healthy ? { ok: true } : { ok: false, detail: 'no orderer reachable' } }),
      status: async () => ({ name: 'peer0', height: 5 }),
      metrics: () => metrics.render((code) => (code === 0 ? 'VALID' : code === 11 ? 'MVCC_READ_CONFLICT' : String(code))),
    });
    try {
      const base = `http://${server.address}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      healthy = false;
      const unhealthy = await fetch(`${base}/healthz`);
      expect(unhealthy.status).toBe(503);
      expect(await unhealthy.json()).toMatchObject({ checks: { orderer: { ok: false, detail: 'no orderer reachable' } } });
      expect(await (await fetch(`${base}/status`)).json()).toEqual({ name: 'peer0', height: 5 });
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toContain('speedledger_peer_ledger_height 5');
      expect(text).toContain('speedledger_peer_transactions_committed_total{code="MVCC_READ_CONFLICT"} 1');
      expect((await fetch(`${base}/nope`)).status).toBe(404);
      expect((await fetch(`${base}/status`, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.close();
    }
  });

  it('reports a port already in use as LISTEN_FAILED', async () => {
    const first = await startOperationsServer('127.0.0.1:0', { health: () => ({}), status: async () => ({}), metrics: () => '' });
    try {
      await expect(startOperationsServer(first.address, { health: () => ({}), status: async () => ({}), metrics: () => '' })).rejects.toMatchObject({ code: 'LISTEN_FAILED' });
    } finally {
      await first.close();
    }
  });
});
