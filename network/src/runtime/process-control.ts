import { spawn } from 'node:child_process';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { NetworkError } from '../errors/network-error.js';
import type { ManifestProcess } from '../manifest/network-manifest.js';

const require = createRequire(import.meta.url);

/** The `dist/cli/main.js` of a workspace package (resolved through its main entry: package.json is not exported). */
export function packageCliMain(packageName: string): string {
  return join(dirname(require.resolve(packageName)), 'cli', 'main.js');
}

/** The command line that runs a member: `node <peer>/dist/cli/main.js peer start --config F` or the orderer's. */
export function memberCommand(member: ManifestProcess): string[] {
  const main = packageCliMain(member.kind === 'peer' ? '@speedledger/peer' : '@speedledger/orderer-bft');
  return [main, member.kind, 'start', '--config', member.configFile];
}

/**
 * The pid recorded for a member, if its pid file exists and names a live process that is this
 * member: where `/proc` exists, its command line must name the member's config file, so a pid
 * reused by an unrelated process (after a reboot) is never signalled.
 */
export async function livePid(member: ManifestProcess): Promise<number | undefined> {
  let pid: number;
  try {
    pid = Number((await readFile(member.pidFile, 'utf8')).trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  let cmdline: string;
  try {
    cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return pid;
  }
  return cmdline.split('\0').includes(member.configFile) ? pid : undefined;
}

/** True if a process with this pid exists (signal 0 probes without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Starts a member as a detached process (own process group, survives the caller), stdout and
 * stderr appended to its log file, pid written to its pid file. A member that is already running
 * is left alone. `cwd` is the data directory (the peer's config paths are relative to it).
 */
export async function spawnMember(dataDir: string, member: ManifestProcess, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const running = await livePid(member);
  if (running !== undefined) return running;
  return spawnDetached({ name: member.name, program: process.execPath, args: memberCommand(member), cwd: dataDir, logFile: member.logFile, pidFile: member.pidFile, env });
}

/** What {@link spawnDetached} starts. */
export interface DetachedProcess {
  readonly name: string;
  readonly program: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly logFile: string;
  readonly pidFile: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Starts a process detached (own process group, survives the caller), stdout and stderr
 * appended to its log file, pid written to its pid file: members and extra services alike.
 */
export async function spawnDetached(what: DetachedProcess): Promise<number> {
  await mkdir(dirname(what.logFile), { recursive: true });
  await mkdir(dirname(what.pidFile), { recursive: true });
  const log = await open(what.logFile, 'a');
  try {
    const child = spawn(what.program, [...what.args], { cwd: what.cwd, detached: true, stdio: ['ignore', log.fd, log.fd], env: what.env });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid!));
    });
    child.unref();
    await writeFile(what.pidFile, `${pid}\n`);
    return pid;
  } catch (cause) {
    throw new NetworkError('PROCESS_FAILED', `cannot start ${what.name}: ${(cause as Error).message}`, { name: what.name }, cause);
  } finally {
    await log.close();
  }
}

/**
 * Stops a member: `signal` (default SIGTERM), then SIGKILL if it is still alive after
 * `graceMs`. Idempotent: a member that is not running is a no-op. Removes the pid file.
 */
export async function stopMember(member: ManifestProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<boolean> {
  const pid = await livePid(member);
  if (pid === undefined) {
    await rm(member.pidFile, { force: true });
    return false;
  }
  signalPid(pid, signal);
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (isAlive(pid)) {
    signalPid(pid, 'SIGKILL');
    while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await rm(member.pidFile, { force: true });
  return true;
}

/** Sends a signal, ignoring a process that has just gone. */
export function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
