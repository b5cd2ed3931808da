import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portSpan } from '../plan/network-plan.js';
import { freeBasePort } from './free-base-port.js';
import { pollUntil } from './http-probe.js';
import { readManifest } from './manifest-store.js';
import { downNetwork, killProcess, networkStatus, startProcess } from './network-control.js';
import { isAlive } from './process-control.js';
import { upNetwork } from './up-network.js';
import { statusCommand } from '../cli/lifecycle-commands.js';

// The orderers of a generated network as real detached processes (peers are covered by the
// acceptance test, which needs the peer package's binary).
let dir: string;
let dataDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'network-orderers-'));
  dataDir = join(dir, 'net');
  await upNetwork({ dataDir, basePort: await freeBasePort(portSpan(4)), start: false });
});

afterAll(async () => {
  await downNetwork(dataDir, 2000).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function orderersHealthy(expected: number): Promise<boolean> {
  const status = await networkStatus(dataDir);
  return status.members.filter((m) => m.kind === 'orderer' && m.healthy).length === expected;
}

/** Waits until exactly `expected` orderers are healthy; on timeout fails with every orderer's log tail. */
async function waitForHealthy(expected: number, timeoutMs: number): Promise<void> {
  if (await pollUntil(async () => ((await orderersHealthy(expected)) ? true : undefined), timeoutMs)) return;
  const manifest = await readManifest(dataDir);
  const logs = await Promise.all(manifest.processes.filter((p) => p.kind === 'orderer').map(async (p) =>
    `${p.name}:\n${(await readFile(p.logFile, 'utf8').catch(() => '')).split('\n').slice(-15).join('\n')}`));
  throw new Error(`expected ${expected} healthy orderers\n${logs.join('\n')}`);
}

describe('orderer processes of a generated network', { timeout: 120_000 }, () => {
  it('starts detached orderers that report health and height through status', async () => {
    const manifest = await readManifest(dataDir);
    const orderers = manifest.processes.filter((p) => p.kind === 'orderer');
    for (const o of orderers) expect(await startProcess(dataDir, o.name)).toBeGreaterThan(0);
    await waitForHealthy(4, 60_000);
    const status = await networkStatus(dataDir);
    for (const m of status.members.filter((x) => x.kind === 'orderer')) {
      expect(m).toMatchObject({ healthy: true, height: 1 });
      expect(isAlive(m.pid!)).toBe(true);
    }
    expect(status.members.filter((m) => m.kind === 'peer').every((m) => !m.healthy)).toBe(true);
    const pid = Number(await readFile(orderers[0]!.pidFile, 'utf8'));
    expect(await startProcess(dataDir, orderers[0]!.name)).toBe(pid);
  });

  it('status --json prints the same members and exits 1 while peers are down', async () => {
    let out = '';
    const code = await statusCommand.run(['--data-dir', dataDir, '--json'], { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => true } });
    expect(code).toBe(1);
    const json = JSON.parse(out);
    expect(json.channel).toBe('speedledger');
    expect(json.members).toHaveLength(8);
  });

  it('kill -9 of one orderer is seen by status; startProcess brings it back', async () => {
    expect(await killProcess(dataDir, 'orderer0.ptb', 'SIGKILL')).toBe(true);
    await waitForHealthy(3, 30_000);
    // A dead member is never reported healthy, nor given a pid.
    const dead = (await networkStatus(dataDir)).members.find((m) => m.name === 'orderer0.ptb.speedledger.local')!;
    expect(dead).toMatchObject({ healthy: false, state: 'down', error: 'not running' });
    expect(dead.pid).toBeUndefined();
    await startProcess(dataDir, 'orderer0.ptb');
    await waitForHealthy(4, 60_000);
  });

  it('down stops everything and is idempotent', async () => {
    const manifest = await readManifest(dataDir);
    const pids = await Promise.all(manifest.processes.filter((p) => p.kind === 'orderer').map(async (p) => Number(await readFile(p.pidFile, 'utf8'))));
    expect((await downNetwork(dataDir)).sort()).toEqual(manifest.processes.filter((p) => p.kind === 'orderer').map((p) => p.name).sort());
    expect(pids.some(isAlive)).toBe(false);
    expect(await downNetwork(dataDir)).toEqual([]);
    expect(await killProcess(dataDir, 'orderer0.inmetro', 'SIGKILL')).toBe(false);
  });

  it("a failed up names the member that failed and prints the last lines of its log", async () => {
    const manifest = await readManifest(dataDir);
    const broken = manifest.processes.find((p) => p.name === 'orderer0.inmetro.speedledger.local')!;
    const config = JSON.parse(await readFile(broken.configFile, 'utf8')) as Record<string, unknown>;
    await writeFile(broken.configFile, JSON.stringify({ ...config, channel: 42 }));
    const attempt = upNetwork({ dataDir, deploy: false, supervise: false, healthTimeoutMs: 60_000 });
    await expect(attempt).rejects.toMatchObject({ code: 'NOT_HEALTHY' });
    const message = await attempt.then(() => "", (error: Error) => error.message);
    expect(message).toMatch(new RegExp(`^orderer0\\.inmetro\\.speedledger\\.local exited \\(last lines of ${broken.logFile.replaceAll('.', '\\.')}\\):\n`));
    const tail = (await readFile(broken.logFile, 'utf8')).trim().split('\n').slice(-3).join('\n');
    expect(tail).not.toBe('');
    expect(message.endsWith(tail)).toBe(true);
    await writeFile(broken.configFile, JSON.stringify(config));
  });
});
