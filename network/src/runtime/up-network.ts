import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { connectionProfile, connectionProfileFile } from '../config/connection-profile.js';
import { ordererConfig, peerConfig } from '../config/member-configs.js';
import { NetworkError } from '../errors/network-error.js';
import { buildManifest, type ManifestProcess, type NetworkManifest } from '../manifest/network-manifest.js';
import { generateMaterial } from '../material/generate-material.js';
import { NETWORK_ORGS } from '../plan/network-orgs.js';
import { planNetwork, portSpan, type NetworkPlan } from '../plan/network-plan.js';
import { deployChaincode } from './chaincode-lifecycle.js';
import { startExtraServices, type ExtraServicesProvider } from './extra-services.js';
import { pollUntil } from './http-probe.js';
import { readManifest, writeManifest } from './manifest-store.js';
import { probeHealthy } from './member-health.js';
import { freeBasePort } from './free-base-port.js';
import { expectedIdentity, probeIdentity } from './member-identity-check.js';
import { isAlive, livePid, spawnMember } from './process-control.js';
import { portNeeds, refuseBusyPorts, refuseInapplicableOptions } from './up-preflight.js';
import { startSupervisor } from './supervisor.js';

/** Options of {@link upNetwork}. */
export interface UpOptions {
  readonly dataDir: string;
  /** Orderer replicas, 3f+1 (default 4; 1 = a lone replica, f = 0, see {@link planNetwork}); OPTION_NOT_APPLICABLE if it differs from an existing network's. */
  readonly orderers?: number;
  /**
   * First port of the network's block of ports (default 7050), or `auto` for a block that is free
   * now; OPTION_NOT_APPLICABLE if it differs from an existing network's.
   */
  readonly basePort?: number | 'auto';
  /** Chaincode package to deploy (default: lr-chaincode's `build/lr-chaincode.tar.gz`). */
  readonly packageFile?: string;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
  /** false: generate material and configs only, start nothing (default true). */
  readonly start?: boolean;
  /** false: start the members but do not deploy the chaincode (default true). */
  readonly deploy?: boolean;
  /**
   * false: start no supervisor. By default a detached supervisor (`DIR/logs/supervisor.log`)
   * restarts a member whose health stays red or times out (kill -9, then respawn).
   */
  readonly supervise?: boolean;
  /** How long to wait for each member's health endpoint (default 60 s). */
  readonly healthTimeoutMs?: number;
  /**
   * Extra services to start once the chaincode is deployed (Redis, the ingest API, the dashboard),
   * supplied by the composer; supervised, shown by `status` and stopped by `down` like members.
   * Omitted: services recorded by an earlier `up` are left as they are.
   */
  readonly services?: ExtraServicesProvider;
}

/** lr-chaincode's package file, where `npm run package -w lr-chaincode` writes it. */
export function defaultPackageFile(): string {
  const entry = createRequire(import.meta.url).resolve('@speedledger/lr-chaincode');
  return join(dirname(entry), '..', 'build', 'lr-chaincode.tar.gz');
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

async function planFor(options: UpOptions): Promise<NetworkPlan> {
  const orderers = options.orderers ?? 4;
  const basePort = options.basePort === 'auto' ? await freeBasePort(portSpan(orderers)) : options.basePort;
  return planNetwork({ orderers, ...(basePort === undefined ? {} : { basePort }) });
}

async function createNetwork(dataDir: string, plan: NetworkPlan, log: (line: string) => void): Promise<NetworkManifest> {
  if (await exists(join(dataDir, 'organizations'))) {
    throw new NetworkError('MATERIAL_FAILED', `${dataDir} holds crypto material but no network.json (an interrupted first run?): remove it or choose another --data-dir`, { dataDir });
  }
  const now = new Date();
  log(`generating crypto material and the channel genesis block in ${dataDir}`);
  await generateMaterial(dataDir, plan, now);
  for (const peer of plan.peers) await writeJson(join(dataDir, peer.configFile), peerConfig(plan, peer));
  for (const orderer of plan.orderers) await writeJson(join(dataDir, orderer.configFile), ordererConfig(plan, orderer));
  for (const org of NETWORK_ORGS) await writeJson(join(dataDir, connectionProfileFile(org)), connectionProfile(plan, org, dataDir));
  const manifest = buildManifest(plan, dataDir, now);
  await writeManifest(manifest);
  return manifest;
}

async function logTail(file: string, lines = 12): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l !== '').slice(-lines).join('\n');
}

async function startAndWait(dataDir: string, channel: string, members: readonly ManifestProcess[], timeoutMs: number, log: (line: string) => void): Promise<void> {
  const pids = new Map<string, number>();
  for (const member of members) {
    const pid = await spawnMember(dataDir, member);
    pids.set(member.name, pid);
    log(`${member.kind} ${member.name}: pid ${pid}, grpc ${member.address}, log ${member.logFile}`);
  }
  await Promise.all(members.map(async (member) => {
    // Started means: our own pid alive and its port answering with the identity the manifest
    // expects (issue 16: another network's healthy members were taken for ours). A member that
    // exits while we wait fails the wait at once, with the end of its log.
    const expected = await expectedIdentity(member, channel);
    const ready = await pollUntil(async () => {
      if (!isAlive(pids.get(member.name)!)) return 'exited';
      const who = await probeIdentity(member, expected);
      if (who.kind === 'not-ours') return `is not answering its own port ${member.operations}: ${who.why}`;
      return who.kind === 'ours' && (await probeHealthy(member)) ? 'healthy' : undefined;
    }, timeoutMs);
    if (ready === 'healthy') return;
    const why = ready ?? `did not become healthy on ${member.operations} within ${timeoutMs} ms`;
    const code = ready?.startsWith('is not answering') === true ? 'NOT_OURS' : 'NOT_HEALTHY';
    throw new NetworkError(code, `${member.name} ${why} (last lines of ${member.logFile}):\n${await logTail(member.logFile)}`, { name: member.name });
  }));
}

/**
 * `speedledger up`: on a new data directory generates the material, configs, connection
 * profiles and `network.json`; then (re)starts every orderer and peer as a detached process,
 * waits for their health endpoints and, until it has succeeded once, deploys the chaincode
 * (install, approve per organisation, commit, governance init). An existing data directory is
 * restarted, never regenerated: members already running are left alone.
 */
export async function upNetwork(options: UpOptions): Promise<NetworkManifest> {
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  const start = options.start !== false;
  let manifest: NetworkManifest;
  if (await exists(join(dataDir, 'network.json'))) {
    manifest = await readManifest(dataDir);
    refuseInapplicableOptions(manifest, options);
    log(`restarting the existing network in ${dataDir}`);
    if (start) {
      // Members of ours still running hold their own ports; every other port must be free.
      const processes = manifest.processes;
      const stoppedNeeds = async (): Promise<ReturnType<typeof portNeeds>> => {
        const stopped = [];
        for (const member of processes) if ((await livePid(member)) === undefined) stopped.push(member);
        return portNeeds(stopped);
      };
      await refuseBusyPorts(stoppedNeeds, `stop the process(es) holding them, or "speedledger down --purge --data-dir ${options.dataDir}" and "up --base-port auto"`);
    }
  } else {
    const plan = await planFor(options);
    if (start) await refuseBusyPorts(portNeeds([...plan.orderers, ...plan.peers]), 'choose another --base-port, or --base-port auto for a free block');
    await mkdir(dataDir, { recursive: true });
    manifest = await createNetwork(dataDir, plan, log);
  }
  if (!start) return manifest;
  const timeoutMs = options.healthTimeoutMs ?? 60_000;
  await startAndWait(dataDir, manifest.channel, manifest.processes.filter((p) => p.kind === 'orderer'), timeoutMs, log);
  await startAndWait(dataDir, manifest.channel, manifest.processes.filter((p) => p.kind === 'peer'), timeoutMs, log);
  if (options.supervise !== false) log(`supervisor: pid ${await startSupervisor(dataDir)}, log ${join(dataDir, 'logs', 'supervisor.log')}`);
  if (!manifest.chaincode.deployed && options.deploy !== false) {
    const packageFile = resolve(options.packageFile ?? defaultPackageFile());
    try {
      const definition = await deployChaincode(manifest, packageFile, log);
      manifest = { ...manifest, chaincode: { ...manifest.chaincode, packageSha256: definition.packageSha256, deployed: true } };
      await writeManifest(manifest);
    } catch (cause) {
      if (cause instanceof NetworkError && cause.code === 'PACKAGE_MISSING') throw cause;
      throw new NetworkError('DEPLOY_FAILED', `deploying ${manifest.chaincode.name} failed: ${(cause as Error).message}`, { dataDir }, cause);
    }
  }
  if (options.services !== undefined) await startExtraServices(dataDir, manifest, options.services, log);
  return manifest;
}
