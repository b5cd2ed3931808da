import { connect } from 'node:net';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NetworkError } from '../errors/network-error.js';
import type { NetworkManifest } from '../manifest/network-manifest.js';
import { httpGet, pollUntil } from './http-probe.js';
import { isAlive, signalPid, spawnDetached } from './process-control.js';
import type { ProbeResult } from './restart-policy.js';

/** How a service's health is probed: an HTTP GET answering 200, or a TCP exchange (e.g. Redis PING → +PONG). */
export type ServiceHealth =
  | { readonly kind: 'http'; readonly address: string; readonly path: string }
  | { readonly kind: 'tcp'; readonly address: string; readonly send?: string; readonly expect?: string };

/**
 * A process `speedledger up` runs next to the members — the ingest tier's Redis and API, the
 * analytics dashboard — described by whoever composes the network (the cli package), so this
 * package never depends on theirs. Started in list order, each healthy before the next.
 */
export interface ExtraServiceSpec {
  /** Unique, e.g. `redis`, `ingest`, `dashboard`. */
  readonly name: string;
  /** Program and arguments (e.g. `[process.execPath, speedledger-bin, 'ingest', 'serve', …]`). */
  readonly command: readonly string[];
  /** A string the live process's `/proc/<pid>/cmdline` contains (so a reused pid is never signalled). */
  readonly cmdlineMarker: string;
  readonly health: ServiceHealth;
  /** Shown by `status` (e.g. the API URL). */
  readonly url?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** How long `up` waits for its health (default 60 s). */
  readonly startTimeoutMs?: number;
  /** SIGTERM grace before SIGKILL at `down` (default 15 s: the ingest API drains in-flight work). */
  readonly stopGraceMs?: number;
}

/** A service as recorded in `DIR/services.json` (absolute log and pid files added). */
export interface ServiceRecord extends ExtraServiceSpec {
  readonly pidFile: string;
  readonly logFile: string;
}

/** What a composer gets to build its services from. */
export interface ServiceContext {
  readonly dataDir: string;
  readonly manifest: NetworkManifest;
  readonly log: (line: string) => void;
  /** The services recorded by an earlier `up` (reuse their ports on a restart). */
  readonly previous: readonly ServiceRecord[];
}

/** Supplies the extra services of one `up` (called after the members are healthy and the chaincode deployed). */
export type ExtraServicesProvider = (context: ServiceContext) => Promise<readonly ExtraServiceSpec[]>;

/** A service's health as `status` shows it. */
export interface ServiceHealthStatus {
  readonly name: string;
  readonly url?: string;
  readonly pid?: number;
  readonly healthy: boolean;
  readonly probe: ProbeResult;
  readonly logFile: string;
}

/** File name of the services list inside the data directory. */
export const SERVICES_FILE = 'services.json';

/** The recorded services of a data directory (none when `up` started none). */
export async function readServices(dataDir: string): Promise<ServiceRecord[]> {
  const text = await readFile(join(dataDir, SERVICES_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return [];
  try {
    const parsed = JSON.parse(text) as { services?: ServiceRecord[] };
    return Array.isArray(parsed.services) ? parsed.services : [];
  } catch (cause) {
    throw new NetworkError('MANIFEST_INVALID', `${join(dataDir, SERVICES_FILE)} is not JSON`, { dataDir }, cause);
  }
}

async function writeServices(dataDir: string, services: readonly ServiceRecord[]): Promise<void> {
  const path = join(dataDir, SERVICES_FILE);
  await writeFile(`${path}.tmp`, `${JSON.stringify({ services }, null, 2)}\n`);
  const { rename } = await import('node:fs/promises');
  await rename(`${path}.tmp`, path);
}

/** The pid of a running service, checked against its command-line marker. */
export async function servicePid(service: ServiceRecord): Promise<number | undefined> {
  const pid = Number((await readFile(service.pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return cmdline === undefined || cmdline.replaceAll('\0', ' ').includes(service.cmdlineMarker) ? pid : undefined;
}

function tcpExchange(address: string, send: string | undefined, expect: string | undefined, timeoutMs: number): Promise<boolean> {
  const colon = address.lastIndexOf(':');
  return new Promise((resolve) => {
    const socket = connect({ host: address.slice(0, colon), port: Number(address.slice(colon + 1)) });
    let answer = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => {
      if (send === undefined) return done(true);
      socket.write(send);
    });
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
      if (expect === undefined || answer.includes(expect)) done(true);
    });
  });
}

/** One probe of a service: `exited` without a live process, `timeout` when its health check fails. */
export async function probeService(service: ServiceRecord, pid: number | undefined, timeoutMs = 2_000): Promise<ProbeResult> {
  if (pid === undefined) return 'exited';
  const { health } = service;
  if (health.kind === 'tcp') return (await tcpExchange(health.address, health.send, health.expect, timeoutMs)) ? 'healthy' : 'timeout';
  try {
    return (await httpGet(health.address, health.path, timeoutMs)).status === 200 ? 'healthy' : 'stalled';
  } catch {
    return 'timeout';
  }
}

/** (Re)starts one service detached, unless it runs; returns its pid. */
export async function spawnService(dataDir: string, service: ServiceRecord): Promise<number> {
  const running = await servicePid(service);
  if (running !== undefined) return running;
  const [program, ...args] = service.command;
  if (program === undefined) throw new NetworkError('PROCESS_FAILED', `service ${service.name} has an empty command`, { name: service.name });
  return spawnDetached({ name: service.name, program, args, cwd: dataDir, logFile: service.logFile, pidFile: service.pidFile, env: { ...process.env, ...service.env } });
}

/**
 * Starts the provider's services in order, each healthy before the next (the ingest API needs
 * its Redis), and records them in `DIR/services.json` for `status`, `down` and the supervisor.
 * An empty list removes the record (a later `up --no-ingest` stops nothing it did not start).
 */
export async function startServices(dataDir: string, specs: readonly ExtraServiceSpec[], log: (line: string) => void): Promise<ServiceRecord[]> {
  const names = new Set<string>();
  const records = specs.map((spec): ServiceRecord => {
    if (!/^[a-z][a-z0-9-]*$/.test(spec.name) || names.has(spec.name)) throw new NetworkError('PROCESS_FAILED', `bad or duplicate service name '${spec.name}'`, { name: spec.name });
    names.add(spec.name);
    return { ...spec, pidFile: join(dataDir, 'run', `service-${spec.name}.pid`), logFile: join(dataDir, 'logs', `service-${spec.name}.log`) };
  });
  await mkdir(join(dataDir, 'run'), { recursive: true });
  // Services an earlier `up` started but this one does not want (e.g. `up --no-ingest`) stop first.
  const unwanted = (await readServices(dataDir)).filter((s) => !names.has(s.name));
  if (unwanted.length > 0) {
    await writeServices(dataDir, unwanted);
    for (const name of await stopServices(dataDir)) log(`stopped ${name} (no longer wanted)`);
  }
  await writeServices(dataDir, records);
  for (const service of records) {
    const pid = await spawnService(dataDir, service);
    log(`service ${service.name}: pid ${pid}${service.url === undefined ? '' : `, ${service.url}`}, log ${service.logFile}`);
    const timeoutMs = service.startTimeoutMs ?? 60_000;
    const ready = await pollUntil(async () => {
      const probe = await probeService(service, await servicePid(service));
      if (probe === 'healthy') return 'healthy';
      return isAlive(pid) ? undefined : 'exited';
    }, timeoutMs);
    if (ready !== 'healthy') {
      const tail = (await readFile(service.logFile, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '').slice(-8).join('\n');
      throw new NetworkError('NOT_HEALTHY', `service ${service.name} ${ready === 'exited' ? 'exited' : `was not healthy within ${timeoutMs} ms`} (see ${service.logFile}):\n${tail}`, { name: service.name });
    }
  }
  return records;
}

/** Asks `provider` for this `up`'s services (with the previous ones, to reuse ports) and starts them. */
export async function startExtraServices(dataDir: string, manifest: NetworkManifest, provider: ExtraServicesProvider, log: (line: string) => void): Promise<ServiceRecord[]> {
  const specs = await provider({ dataDir, manifest, log, previous: await readServices(dataDir) });
  return startServices(dataDir, specs, log);
}

/** Stops every recorded service, last started first: SIGTERM, SIGKILL after its grace. Returns the names stopped. */
export async function stopServices(dataDir: string): Promise<string[]> {
  const stopped: string[] = [];
  for (const service of [...(await readServices(dataDir))].reverse()) {
    const pid = await servicePid(service);
    await rm(service.pidFile, { force: true });
    if (pid === undefined) continue;
    signalPid(pid, 'SIGTERM');
    const deadline = Date.now() + (service.stopGraceMs ?? 15_000);
    while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if (isAlive(pid)) signalPid(pid, 'SIGKILL');
    while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
    stopped.push(`service ${service.name}`);
  }
  return stopped;
}

/** Every recorded service's pid and health. */
export async function servicesStatus(dataDir: string): Promise<ServiceHealthStatus[]> {
  return Promise.all((await readServices(dataDir)).map(async (service) => {
    const pid = await servicePid(service);
    const probe = await probeService(service, pid);
    return { name: service.name, ...(service.url === undefined ? {} : { url: service.url }), ...(pid === undefined ? {} : { pid }), healthy: probe === 'healthy', probe, logFile: service.logFile };
  }));
}
