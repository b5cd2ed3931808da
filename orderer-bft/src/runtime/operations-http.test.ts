import { describe, expect, it } from 'vitest';
import { createStructuredLogger } from './logger.js';
import { LogSpec } from './log-spec.js';
import { startOperationsHttp, type HealthCheck, type OperationsEndpoints } from './operations-http.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A server on a loopback port 0 with a logger whose level follows its logspec, and what it wrote. */
async function withServer(run: (base: string, parts: { checks: Record<string, HealthCheck>; lines: Record<string, unknown>[]; spec: LogSpec }) => Promise<void>, extra: Partial<OperationsEndpoints> = {}): Promise<void> {
  const checks: Record<string, HealthCheck> = { ledger: { ok: true }, eventLoop: { ok: true } };
  const lines: Record<string, unknown>[] = [];
  const spec = new LogSpec('info');
  const log = createStructuredLogger({ write: (text: string) => lines.push(JSON.parse(text) as Record<string, unknown>) }, () => ({ node: 'n0' }), () => spec.level);
  const server = await startOperationsHttp('127.0.0.1:0', {
    health: () => checks, metrics: () => 'node_up 1\n', version: { CommitSHA: 'abc123', Version: '0.1.0' }, logSpec: spec, log, ...extra,
  });
  try {
    expect(server.address).toBe(`127.0.0.1:${server.port}`);
    await run(`http://${server.address}`, { checks, lines, spec });
  } finally {
    await server.close();
  }
}

const put = (url: string, body: string): Promise<Response> => fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body });

describe('operations HTTP server', () => {
  it('answers /healthz in Fabric\'s shape: 200 OK with a time, 503 with failed_checks by component', async () => {
    await withServer(async (base, { checks }) => {
      const green = await fetch(`${base}/healthz`);
      expect(green.status).toBe(200);
      expect(green.headers.get('content-type')).toBe('application/json');
      const ok = await green.json() as Record<string, unknown>;
      expect(ok.status).toBe('OK');
      expect(ok.time).toMatch(RFC3339);
      expect(Math.abs(Date.parse(ok.time as string) - Date.now())).toBeLessThan(60_000);
      expect(ok).not.toHaveProperty('failed_checks');
      expect(ok.checks).toEqual({ ledger: { ok: true }, eventLoop: { ok: true } });

      checks.eventLoop = { ok: false, detail: 'event loop stalled 2500 ms' };
      checks.committer = { ok: false };
      const red = await fetch(`${base}/healthz`);
      expect(red.status).toBe(503);
      const body = await red.json() as Record<string, unknown>;
      expect(body.status).toBe('Service Unavailable');
      expect(body.time).toMatch(RFC3339);
      expect(body.failed_checks).toEqual([{ component: 'eventLoop', reason: 'event loop stalled 2500 ms' }, { component: 'committer', reason: 'unhealthy' }]);
      expect(body.checks).toMatchObject({ ledger: { ok: true }, eventLoop: { ok: false } });
    });
  });

  it('answers /version with Fabric\'s field names and /metrics as Prometheus text', async () => {
    await withServer(async (base) => {
      expect(await (await fetch(`${base}/version`)).json()).toEqual({ CommitSHA: 'abc123', Version: '0.1.0' });
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4');
      expect(await metrics.text()).toBe('node_up 1\n');
    });
  });

  it('PUT /logspec changes what the process logs at run time; GET reads it back', async () => {
    await withServer(async (base, { lines, spec }) => {
      const log = createStructuredLogger({ write: (text: string) => lines.push(JSON.parse(text) as Record<string, unknown>) }, () => ({}), () => spec.level);
      expect(await (await fetch(`${base}/logspec`)).json()).toEqual({ spec: 'info' });
      log.log('debug', 'before');
      expect(lines.map((l) => l.event)).not.toContain('before');

      const changed = await put(`${base}/logspec`, JSON.stringify({ spec: 'debug' }));
      expect(changed.status).toBe(204);
      expect(await (await fetch(`${base}/logspec`)).json()).toEqual({ spec: 'debug' });
      log.log('debug', 'after');
      expect(lines.map((l) => l.event)).toContain('after');
      expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', event: 'logspec-changed', from: 'info', to: 'debug' }));

      expect((await put(`${base}/logspec`, JSON.stringify({ spec: 'WARNING' }))).status).toBe(204);
      expect(spec.level).toBe('warn');
      log.log('info', 'quiet');
      expect(lines.map((l) => l.event)).not.toContain('quiet');
    });
  });

  it('refuses a spec that does not parse with 400 {error} and keeps the level', async () => {
    await withServer(async (base, { spec }) => {
      for (const body of [JSON.stringify({ spec: 'verbose' }), JSON.stringify({ spec: 'gossip=debug:info' }), JSON.stringify({ spec: 'fatal' }), JSON.stringify({ spec: 3 }), 'debug']) {
        const refused = await put(`${base}/logspec`, body);
        expect(refused.status, body).toBe(400);
        expect(typeof ((await refused.json()) as { error?: unknown }).error).toBe('string');
      }
      expect(spec.level).toBe('info');
      const perLogger = await (await put(`${base}/logspec`, JSON.stringify({ spec: 'gossip=debug' }))).json() as { error: string };
      expect(perLogger.error).toContain("'gossip=debug'");
      expect((await put(`${base}/logspec`, JSON.stringify({ spec: 'x'.repeat(5000) }))).status).toBe(413);
      expect(spec.level).toBe('info');
    });
  });

  it('answers 405 (with Allow) for a known path and another method, 404 for an unknown path or an absent /status', async () => {
    await withServer(async (base) => {
      const post = await fetch(`${base}/healthz`, { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET');
      expect(typeof ((await post.json()) as { error?: unknown }).error).toBe('string');
      const del = await fetch(`${base}/logspec`, { method: 'DELETE' });
      expect(del.status).toBe(405);
      expect(del.headers.get('allow')).toBe('GET, PUT');
      expect((await put(`${base}/version`, '{}')).status).toBe(405);
      expect((await fetch(`${base}/nope`)).status).toBe(404);
      expect((await fetch(`${base}/status`)).status).toBe(404);
    });
    await withServer(async (base) => {
      expect(await (await fetch(`${base}/status?verbose=1`)).json()).toEqual({ kind: 'orderer', id: 0 });
      expect((await fetch(`${base}/status`, { method: 'POST' })).status).toBe(405);
    }, { status: () => ({ kind: 'orderer', id: 0 }) });
  });

  it('awaits an asynchronous /status and answers 500 {error} when it fails', async () => {
    let fail = false;
    await withServer(async (base) => {
      expect(await (await fetch(`${base}/status`)).json()).toEqual({ height: 3 });
      fail = true;
      const broken = await fetch(`${base}/status`);
      expect(broken.status).toBe(500);
      expect(await broken.json()).toEqual({ error: 'ledger closed' });
    }, { status: async () => { if (fail) throw new Error('ledger closed'); return { height: 3 }; } });
  });

  it('reports a port already in use as LISTEN_FAILED with the address', async () => {
    await withServer(async (base) => {
      const address = base.slice('http://'.length);
      await expect(startOperationsHttp(address, { health: () => ({}), metrics: () => '', version: { CommitSHA: 'unknown', Version: 'unknown' }, logSpec: new LogSpec() }))
        .rejects.toMatchObject({ code: 'LISTEN_FAILED', ids: { address } });
    });
  });
});
