import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readServices, servicePid, servicesStatus, startServices, stopServices, type ExtraServiceSpec } from './extra-services.js';
import { freeBasePort } from './free-base-port.js';
import { isAlive } from './process-control.js';
import { RestartPolicy } from './restart-policy.js';
import { superviseServices } from './service-supervision.js';

/** A real detached HTTP service: /healthz answers 200 (or 503 once /sick was called). */
function httpService(name: string, port: number): ExtraServiceSpec {
  const script = `let sick=false;require('node:http').createServer((q,s)=>{if(q.url==='/sick')sick=true;s.writeHead(q.url==='/healthz'&&sick?503:200);s.end('ok')}).listen(${port},'127.0.0.1');process.on('SIGTERM',()=>process.exit(0))`;
  return { name, command: [process.execPath, '-e', script, `marker-${name}-${port}`], cmdlineMarker: `marker-${name}-${port}`, health: { kind: 'http', address: `127.0.0.1:${port}`, path: '/healthz' }, url: `http://127.0.0.1:${port}`, startTimeoutMs: 20_000, stopGraceMs: 2_000 };
}

describe('extra services (real detached processes)', { timeout: 60_000 }, () => {
  let dir = '';
  let port = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'extra-services-'));
    port = await freeBasePort(3);
  });
  afterAll(async () => {
    await stopServices(dir).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('starts in order until healthy, records them, shows their health, and stops them', async () => {
    const records = await startServices(dir, [httpService('alpha', port), httpService('beta', port + 1)], () => undefined);
    expect(records.map((r) => r.name)).toEqual(['alpha', 'beta']);
    expect((await readServices(dir)).map((r) => r.name)).toEqual(['alpha', 'beta']);
    const status = await servicesStatus(dir);
    expect(status.map((s) => [s.name, s.healthy, s.probe])).toEqual([['alpha', true, 'healthy'], ['beta', true, 'healthy']]);
    expect(status[0]!.pid).toBeGreaterThan(0);
    // Started again with only alpha: beta is no longer wanted and is stopped; alpha keeps its process.
    const alphaPid = await servicePid(records[0]!);
    const betaPid = (await servicePid(records[1]!))!;
    await startServices(dir, [httpService('alpha', port)], () => undefined);
    expect(await servicePid(records[0]!)).toBe(alphaPid);
    expect(isAlive(betaPid)).toBe(false);
    expect(await stopServices(dir)).toEqual(['service alpha']);
    expect((await servicesStatus(dir)).map((s) => s.probe)).toEqual(['exited']);
  });

  it('a service that exits before it is healthy fails the start with the end of its log', async () => {
    const broken: ExtraServiceSpec = { name: 'broken', command: [process.execPath, '-e', "console.error('no config here');process.exit(3)"], cmdlineMarker: 'no config', health: { kind: 'tcp', address: `127.0.0.1:${port + 2}` } };
    await expect(startServices(dir, [broken], () => undefined)).rejects.toMatchObject({ code: 'NOT_HEALTHY', message: expect.stringContaining('no config here') });
  });

  it('the supervisor kills -9 and respawns a service whose health stays red', async () => {
    const [record] = await startServices(dir, [{ ...httpService('gamma', port + 2), startTimeoutMs: 1_500 }], () => undefined);
    const before = (await servicePid(record!))!;
    await fetch(`http://127.0.0.1:${port + 2}/sick`);
    const policy = new RestartPolicy({ failuresBeforeRestart: 2 });
    const events: string[] = [];
    const grace = new Map<string, number>();
    // Within its start timeout a service is up's business, not the supervisor's.
    for (let round = 0; round < 3; round += 1) await superviseServices(dir, policy, grace, 0, 1_000, (event) => events.push(event));
    expect(events).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    for (let round = 0; round < 2; round += 1) await superviseServices(dir, policy, grace, 0, 1_000, (event) => events.push(event));
    expect(events).toEqual(['service-unhealthy', 'service-unhealthy', 'service-restarted']);
    const after = await servicePid(record!);
    expect(after).not.toBe(before);
    expect(isAlive(before)).toBe(false);
    await stopServices(dir);
  });
});
