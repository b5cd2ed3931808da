import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portSpan } from '../plan/network-plan.js';
import { freeBasePort } from './free-base-port.js';
import { pollUntil } from './http-probe.js';
import { readManifest } from './manifest-store.js';
import { downNetwork, networkStatus, startProcess } from './network-control.js';
import { isAlive, livePid, signalPid } from './process-control.js';
import { startSupervisor, supervisorFiles, supervisorPid } from './supervisor.js';
import { upNetwork } from './up-network.js';

// Real detached orderers and the real detached supervisor: an orderer frozen with SIGSTOP (its
// pid alive, nothing answering, as issue 17's spinning peer) is killed -9 and respawned.
let dir: string;
let dataDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'network-supervisor-'));
  dataDir = join(dir, 'net');
  await upNetwork({ dataDir, basePort: await freeBasePort(portSpan(4)), start: false });
});

afterAll(async () => {
  await downNetwork(dataDir, 2000).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('the supervisor behind speedledger up', { timeout: 120_000 }, () => {
  it('restarts an orderer whose /healthz stops answering (SIGSTOP) and leaves healthy ones alone; down stops it first', async () => {
    const manifest = await readManifest(dataDir);
    const orderers = manifest.processes.filter((p) => p.kind === 'orderer');
    for (const o of orderers) await startProcess(dataDir, o.name);
    const allHealthy = async (): Promise<true | undefined> => {
      const status = await networkStatus(dataDir);
      return status.members.filter((m) => m.kind === 'orderer' && m.healthy).length === 4 ? true : undefined;
    };
    expect(await pollUntil(allHealthy, 60_000)).toBe(true);
    const supervisor = await startSupervisor(dataDir, {
      ...process.env, SPEEDLEDGER_SUPERVISOR_INTERVAL_MS: '500', SPEEDLEDGER_SUPERVISOR_FAILURES: '3',
    });
    expect(await supervisorPid(dataDir)).toBe(supervisor);
    const victim = orderers[1]!;
    const frozen = (await livePid(victim))!;
    const others = await Promise.all(orderers.filter((o) => o !== victim).map((o) => livePid(o)));
    signalPid(frozen, 'SIGSTOP');
    const respawned = await pollUntil(async () => {
      const pid = await livePid(victim);
      return pid !== undefined && pid !== frozen ? pid : undefined;
    }, 30_000);
    const log = await readFile(supervisorFiles(dataDir).logFile, 'utf8');
    expect(respawned, log).toBeDefined();
    expect(isAlive(frozen)).toBe(false);
    expect(log).toContain(`"event":"member-restarted","name":"${victim.name}","reason":"timeout"`);
    expect(await pollUntil(allHealthy, 60_000)).toBe(true);
    expect(await Promise.all(orderers.filter((o) => o !== victim).map((o) => livePid(o)))).toEqual(others);
    await downNetwork(dataDir, 2000);
    expect(isAlive(supervisor)).toBe(false);
    expect(await Promise.all(orderers.map((o) => livePid(o)))).toEqual([undefined, undefined, undefined, undefined]);
  });
});
