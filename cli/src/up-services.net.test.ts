import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createDataset } from '@speedledger/datasets';
import { downNetwork, freeBasePort, portSpan, readServices, servicePid } from '@speedledger/network';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './main.js';

/*
 * `speedledger up` as a city operator runs it: the embedded network plus Redis, the ingest API
 * with its workers and the dashboard as supervised detached processes; `status` shows them,
 * a reading POSTed to the API is committed, `down` stops them and a second `up` brings the same
 * services back on the same ports with the same operator key and the Redis data intact.
 */
const require = createRequire(import.meta.url);
function missing(): string | undefined {
  if (!existsSync(process.env.REDIS_SERVER ?? '/usr/bin/redis-server')) return 'redis-server is not installed';
  const built: [string, () => string][] = [
    ['peer', () => join(dirname(require.resolve('@speedledger/peer')), 'cli', 'main.js')],
    ['orderer', () => join(dirname(require.resolve('@speedledger/orderer-bft')), 'cli', 'main.js')],
    ['chaincode package', () => join(dirname(require.resolve('@speedledger/lr-chaincode')), '..', 'build', 'lr-chaincode.tar.gz')],
    ['cli', () => join(dirname(require.resolve('@speedledger/sensor-ingest')), 'cli', 'serve-command.js')],
  ];
  for (const [what, path] of built) if (!existsSync(path())) return `${what} is not built`;
  return undefined;
}
const skip = missing();
if (skip && process.env.CI) throw new Error(`up-services test cannot run: ${skip}`);
if (skip) console.warn(`up-services test skipped: ${skip}`);

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } } };
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe.skipIf(skip !== undefined)('speedledger up starts the ingest tier and the dashboard', { timeout: 400_000 }, () => {
  let dir = '';
  afterAll(async () => {
    if (!dir) return;
    await main(['down', '--data-dir', dir], capture().io).catch(() => 1);
    await downNetwork(dir, 5_000).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('up → status shows Redis, ingest and dashboard healthy → a reading commits → down stops them → up again keeps ports, key and data', async () => {
    dir = await mkdtemp(join(tmpdir(), 'speedledger-up-services-'));
    const basePort = await freeBasePort(portSpan(4));
    const up = capture();
    expect(await main(['up', '--data-dir', dir, '--base-port', String(basePort)], up.io), up.out.stderr).toBe(0);
    const apiUrl = /ingest API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(up.out.stdout)?.[1];
    const dashboardUrl = /dashboard\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(up.out.stdout)?.[1];
    expect(apiUrl, up.out.stdout).toBeDefined();
    expect(dashboardUrl, up.out.stdout).toBeDefined();
    const keyFile = join(dir, 'services', 'ingest', 'operator-key');
    expect(up.out.stdout).toContain(keyFile);
    const key = (await readFile(keyFile, 'utf8')).trim();
    expect(key).toMatch(/^sl_/);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, 'services', 'redis', 'redis.conf'), 'utf8')).toMatch(/^appendfsync always$/m);

    const status = capture();
    expect(await main(['status', '--data-dir', dir], status.io), status.out.stdout).toBe(0);
    for (const name of ['redis', 'ingest', 'dashboard']) expect(status.out.stdout).toMatch(new RegExp(`^service  ${name} .* healthy +pid \\d+`, 'm'));

    // A registered meter's reading goes in through the API and comes out committed.
    const dataset = createDataset({ meters: 1, readings: 2, seed: 20_261_206, mix: 'clean' });
    const fleetFile = join(dir, 'fleet.json');
    await writeFile(fleetFile, JSON.stringify(dataset.fleet));
    const register = capture();
    expect(await main(['meter', 'register', '--fleet', fleetFile, '--data-dir', dir], register.io), register.out.stderr).toBe(0);
    const [reading] = [...dataset.readings()];
    const auth = { authorization: `Bearer ${key}` };
    const readingUrl = `${apiUrl}/v1/readings/${reading!.truth.meterId}/${reading!.truth.seq}`;
    // The edge may have cached "not registered" (5 s) if a probe asked before the registration.
    const posted = await waitFor(async () => {
      const r = await fetch(`${apiUrl}/v1/readings`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(reading!.bytes) });
      return r.status === 202 ? r : undefined;
    }, 15_000, 'a 202 for the reading');
    expect(posted.status).toBe(202);
    const committed = await waitFor(async () => {
      const body = (await (await fetch(readingUrl, { headers: auth })).json()) as { status: string; transactionId?: string };
      return body.status === 'committed' ? body : undefined;
    }, 90_000, 'the reading committed');
    expect(committed.transactionId).toMatch(/^[0-9a-f]{64}$/);
    expect((await fetch(`${dashboardUrl}/api/summary`)).status).toBe(200);

    // down stops the services (ingest drains first) and the members.
    const services = await readServices(dir);
    const pids = await Promise.all(services.map((s) => servicePid(s)));
    expect(pids.every((p) => p !== undefined)).toBe(true);
    const down = capture();
    expect(await main(['down', '--data-dir', dir], down.io), down.out.stderr).toBe(0);
    expect(down.out.stdout).toMatch(/service dashboard.*service ingest.*service redis/);
    for (const pid of pids) expect(() => process.kill(pid!, 0)).toThrow();
    const stopped = capture();
    expect(await main(['status', '--data-dir', dir], stopped.io)).toBe(1);
    expect(stopped.out.stdout).toMatch(/^service {2}ingest .*DOWN \(not running\)/m);

    // up again: same ports, the same key still opens the operator routes, the committed reading is still known.
    const again = capture();
    expect(await main(['up', '--data-dir', dir], again.io), again.out.stderr).toBe(0);
    expect(again.out.stdout).toContain(`ingest API        ${apiUrl}`);
    expect((await readFile(keyFile, 'utf8')).trim()).toBe(key);
    const after = (await (await fetch(readingUrl, { headers: auth })).json()) as { status: string; transactionId?: string };
    expect(after).toMatchObject({ status: 'committed', transactionId: committed.transactionId });

    // up --no-dashboard stops the dashboard an earlier up started.
    const without = capture();
    expect(await main(['up', '--data-dir', dir, '--no-dashboard'], without.io), without.out.stderr).toBe(0);
    expect((await readServices(dir)).map((s) => s.name)).toEqual(['redis', 'ingest']);
    await expect(fetch(`${dashboardUrl}/api/summary`)).rejects.toThrow();
  });
});
