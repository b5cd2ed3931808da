import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { LogSpec, startOperationsHttp, type HealthCheck } from '@speedledger/orderer-bft/runtime';
import type { ManifestProcess } from '../manifest/network-manifest.js';
import { probeMember } from './supervisor.js';

const member = (kind: 'peer' | 'orderer', operations: string): ManifestProcess => ({
  name: `${kind}0`, kind, org: 'o', mspId: 'OMSP', address: '127.0.0.1:1', operations, configFile: '', pidFile: '', logFile: '', dataDir: '', mspDir: '',
});

describe('probeMember against the shared operations server', () => {
  it('is stalled only when failed_checks names the event loop, for a peer and an orderer alike', async () => {
    const checks: Record<string, HealthCheck> = { eventLoop: { ok: true }, committer: { ok: true } };
    const server = await startOperationsHttp('127.0.0.1:0', {
      health: () => checks, metrics: () => '', version: { CommitSHA: 'unknown', Version: '0' }, logSpec: new LogSpec(),
    });
    try {
      for (const kind of ['peer', 'orderer'] as const) {
        const m = member(kind, server.address);
        checks.eventLoop = { ok: true };
        checks.committer = { ok: true };
        expect(await probeMember(m, 1, 2000)).toBe('healthy');
        checks.committer = { ok: false, detail: 'the last 3 blocks failed to commit' };
        expect(await probeMember(m, 1, 2000)).toBe('healthy');
        checks.eventLoop = { ok: false, detail: 'event loop stalled 2500 ms' };
        expect(await probeMember(m, 1, 2000)).toBe('stalled');
        expect(await probeMember(m, undefined, 2000)).toBe('exited');
      }
    } finally {
      await server.close();
    }
  });

  it('counts an unreadable 503 as stalled for an orderer, healthy for a peer, and no answer as a timeout', async () => {
    const opaque = createServer((_request, response) => response.writeHead(503).end('busy'));
    await new Promise<void>((resolve) => opaque.listen(0, '127.0.0.1', resolve));
    const { port } = opaque.address() as { port: number };
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      expect(await probeMember(member('orderer', `127.0.0.1:${port}`), 1, 2000)).toBe('stalled');
      expect(await probeMember(member('peer', `127.0.0.1:${port}`), 1, 2000)).toBe('healthy');
      expect(await probeMember(member('peer', `127.0.0.1:${(silent.address() as { port: number }).port}`), 1, 200)).toBe('timeout');
    } finally {
      silent.closeAllConnections();
      await Promise.all([opaque, silent].map((s) => new Promise((resolve) => s.close(resolve))));
    }
  });
});
