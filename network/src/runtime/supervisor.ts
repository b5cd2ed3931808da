import { spawn } from 'node:child_process';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { ManifestProcess } from '../manifest/network-manifest.js';
import { httpGet } from './http-probe.js';
import { readManifest } from './manifest-store.js';
import { isAlive, livePid, signalPid, spawnMember } from './process-control.js';
import { RestartPolicy, type ProbeResult, type RestartPolicyOptions } from './restart-policy.js';
import { superviseServices } from './service-supervision.js';

/** Tuning of {@link runSupervisor}. */
export interface SupervisorOptions extends RestartPolicyOptions {
  /** Probe period (default 2000 ms). */
  readonly intervalMs?: number;
  /** Probe timeout: no answer in time counts as red (default 2000 ms). */
  readonly probeTimeoutMs?: number;
  /** A restarted member is not probed for this long, so a slow start is not a failure (default 20 s). */
  readonly startGraceMs?: number;
  /** JSON lines of what it does (default: stdout). */
  readonly log?: (line: string) => void;
  /** Stops the loop when aborted. */
  readonly signal?: AbortSignal;
}

/** `DIR/supervisor.pid` and `DIR/logs/supervisor.log`. */
export function supervisorFiles(dataDir: string): { pidFile: string; logFile: string } {
  return { pidFile: join(dataDir, 'supervisor.pid'), logFile: join(dataDir, 'logs', 'supervisor.log') };
}

/**
 * One probe of a member's `/healthz`: red only when it cannot serve — no answer within the
 * timeout, or a 503 whose Fabric-style `failed_checks` names `eventLoop` (a peer whose committer
 * or orderer connection fails is unhealthy, but a restart would not help it). A 503 that cannot be
 * read counts as stalled for an orderer (its only check is the event loop), healthy for a peer.
 */
export async function probeMember(member: ManifestProcess, pid: number | undefined, timeoutMs: number): Promise<ProbeResult> {
  if (pid === undefined) return 'exited';
  let answer: { status: number; body: string };
  try {
    answer = await httpGet(member.operations, '/healthz', timeoutMs);
  } catch {
    return 'timeout';
  }
  if (answer.status === 200) return 'healthy';
  const unreadable: ProbeResult = member.kind === 'orderer' && answer.status === 503 ? 'stalled' : 'healthy';
  try {
    const failed = (JSON.parse(answer.body) as { failed_checks?: readonly { component?: unknown }[] }).failed_checks;
    if (!Array.isArray(failed)) return unreadable;
    return failed.some((check) => check.component === 'eventLoop') ? 'stalled' : 'healthy';
  } catch {
    return unreadable;
  }
}

/**
 * The supervisor behind `speedledger up`: probes every member each period and, through
 * {@link RestartPolicy}, kills -9 and respawns one whose health stays red or times out. Exits when
 * the network's manifest disappears (the data directory was removed) or `signal` aborts.
 */
export async function runSupervisor(dataDir: string, options: SupervisorOptions = {}): Promise<void> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const say = (event: string, fields: Record<string, unknown> = {}): void => log(JSON.stringify({ ts: new Date().toISOString(), event, ...fields }));
  const policy = new RestartPolicy(options);
  const interval = options.intervalMs ?? 2000;
  const timeout = options.probeTimeoutMs ?? 2000;
  const grace = options.startGraceMs ?? 20_000;
  // Monotonic: a wall-clock step (NTP) must neither extend a grace period nor cut it short.
  const graceUntil = new Map<string, number>();
  say('supervisor-started', { dataDir, intervalMs: interval, failuresBeforeRestart: policy.threshold });
  while (options.signal?.aborted !== true) {
    let members: readonly ManifestProcess[];
    try {
      members = (await readManifest(dataDir)).processes;
    } catch {
      say('supervisor-stopping', { reason: 'network.json is gone' });
      return;
    }
    await Promise.all(members.map(async (member) => {
      if ((graceUntil.get(member.name) ?? 0) > performance.now()) return;
      const pid = await livePid(member);
      const probe = await probeMember(member, pid, timeout);
      if (probe !== 'healthy' && probe !== 'exited') say('member-unhealthy', { name: member.name, probe, consecutive: policy.failuresOf(member.name) + 1 });
      const decision = policy.observe(member.name, probe);
      if (decision === 'none') return;
      if (pid !== undefined) {
        signalPid(pid, 'SIGKILL');
        while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const fresh = await spawnMember(dataDir, member);
      graceUntil.set(member.name, performance.now() + grace);
      say('member-restarted', { name: member.name, reason: decision === 'respawn' ? 'exited' : probe, oldPid: pid ?? null, pid: fresh });
    }));
    await superviseServices(dataDir, policy, graceUntil, grace, timeout, say);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Starts the supervisor as a detached process unless one runs; returns its pid. */
export async function startSupervisor(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const running = await supervisorPid(dataDir);
  if (running !== undefined) return running;
  const { pidFile, logFile } = supervisorFiles(dataDir);
  // The built entry (as members run their packages' dist/cli/main.js), also when run from src/ in tests.
  const main = join(dirname(createRequire(import.meta.url).resolve('@speedledger/network')), 'runtime', 'supervisor-main.js');
  await mkdir(dirname(logFile), { recursive: true });
  const logHandle = await open(logFile, 'a');
  try {
    const child = spawn(process.execPath, [main, dataDir], { cwd: dataDir, detached: true, stdio: ['ignore', logHandle.fd, logHandle.fd], env });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid!));
    });
    child.unref();
    await writeFile(pidFile, `${pid}\n`);
    return pid;
  } finally {
    await logHandle.close();
  }
}

/** The running supervisor's pid, if its pid file names a live supervisor of this data directory. */
export async function supervisorPid(dataDir: string): Promise<number | undefined> {
  const { pidFile } = supervisorFiles(dataDir);
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return cmdline === undefined || cmdline.includes('supervisor-main.js') ? pid : undefined;
}

/** Stops the supervisor (SIGTERM) before members are stopped, so it does not restart them. */
export async function stopSupervisor(dataDir: string): Promise<boolean> {
  const pid = await supervisorPid(dataDir);
  await rm(supervisorFiles(dataDir).pidFile, { force: true });
  if (pid === undefined) return false;
  signalPid(pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (isAlive(pid)) signalPid(pid, 'SIGKILL');
  return true;
}
