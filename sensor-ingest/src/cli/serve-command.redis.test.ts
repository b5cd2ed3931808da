import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateOrganization, identityMspDir, writeOrganization } from '@speedledger/orderer-bft';
import { freePorts } from '@speedledger/orderer-bft/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallDataset } from '../test-support/readings.js';
import { redisMissing, startRedis, type LiveRedis } from '../test-support/redis-server.js';
import { serveCommand } from './serve-command.js';

async function waitFor(url: string): Promise<Response> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await fetch(url);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

// `ingest serve` as a user runs it, with a real gateway client whose peer is down: the API must
// come up, say it is not ready, refuse readings with 503 + Retry-After (nothing is stored without
// the registry check), and stop cleanly on SIGTERM.
describe.skipIf(redisMissing())('ingest serve with the ledger unreachable', () => {
  let live: LiveRedis;
  let dir: string;
  let profile: string;
  let mspDir: string;

  beforeAll(async () => {
    live = await startRedis();
    dir = await mkdtemp(join(tmpdir(), 'ingest-serve-'));
    const mspId = 'CityOperatorMSP';
    const org = await generateOrganization({ mspId, domain: 'city.example.com', now: new Date('2026-01-01T00:00:00Z'), validityDays: 3650 });
    const user = await org.enrol('User1@city.example.com', { ou: 'client' });
    const orgDir = await writeOrganization(dir, { mspId, domain: org.domain, kind: 'peer', ca: org.ca, identities: [user] });
    mspDir = identityMspDir(orgDir, user.name, 'client');
    const [peerPort, ordererPort] = await freePorts(2, '127.0.0.1');
    profile = join(dir, 'connection.json');
    await writeFile(profile, JSON.stringify({
      name: 'down', version: '1.0.0', client: { organization: 'CityOperator' },
      organizations: { CityOperator: { mspid: mspId, peers: ['peer0.city.example.com'] } },
      peers: { 'peer0.city.example.com': { url: `grpc://127.0.0.1:${peerPort}` } },
      orderers: { 'orderer0.city.example.com': { url: `grpc://127.0.0.1:${ordererPort}` } },
    }));
  }, 30_000);
  afterAll(async () => {
    await live?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('serves probes, answers 503 + Retry-After instead of accepting blind, and drains on SIGTERM', async () => {
    const [port] = await freePorts(1, '127.0.0.1');
    let err = '';
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (err += t) } };
    const running = serveCommand.run([
      '--connection-profile', profile, '--msp-id', 'CityOperatorMSP', '--msp-dir', mspDir, '--redis', live.url,
      '--listen', `127.0.0.1:${port}`, '--log-level', 'silent', '--api-only', '--operator-key-file', join(dir, 'keys', 'operator-key'),
    ], io);
    const base = `http://127.0.0.1:${port}`;
    try {
      expect((await waitFor(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { redis: string }).redis).toBe('ok');
      const reading = smallDataset(1, 1, 3).readings[0]!;
      const posted = await fetch(`${base}/v1/readings`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(reading.bytes) });
      expect(posted.status).toBe(503);
      expect(posted.headers.get('retry-after')).toBe('2');
      expect(((await posted.json()) as { error: string }).error).toBe('REGISTRY_UNAVAILABLE');
      // The operator key it created at start: only its owner can read it, and it opens the operator routes.
      await waitFor(`${base}/healthz`);
      const keyFile = join(dir, 'keys', 'operator-key');
      let key = '';
      for (let i = 0; i < 100 && key === ''; i += 1) {
        key = (await readFile(keyFile, 'utf8').catch(() => '')).trim();
        if (key === '') await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(key).toMatch(/^sl_/);
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
      expect((await fetch(`${base}/v1/stats`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
      expect((await fetch(`${base}/v1/stats`, { headers: { authorization: 'Bearer sl_nope' } })).status).toBe(401);
      const client = live.client();
      try {
        expect(await client.scard('ingest:open')).toBe(0);
      } finally {
        client.disconnect();
      }
    } finally {
      process.emit('SIGTERM');
    }
    expect(await running).toBe(0);
    expect(err).toContain(`ingest API on ${base}`);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  }, 60_000);

  it('a start that fails (listen port taken) reports EADDRINUSE and exits 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    let err = '';
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (err += t) } };
    try {
      const code = await serveCommand.run([
        '--connection-profile', profile, '--msp-id', 'CityOperatorMSP', '--msp-dir', mspDir, '--redis', live.url,
        '--listen', `127.0.0.1:${port}`, '--log-level', 'silent', '--api-only',
      ], io);
      expect(code).toBe(1);
      expect(err).toContain('EADDRINUSE');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 30_000);
});
