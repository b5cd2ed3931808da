import { join, resolve } from 'node:path';
import { NETWORK_ORGS } from '../plan/network-orgs.js';
import { userMspDir } from '../plan/network-plan.js';
import { NetworkError } from '../errors/network-error.js';
import { resolveMember } from './identity-lookup.js';
import { readManifest } from './manifest-store.js';
import { expectedIdentity } from './member-identity-check.js';
import { memberHealth, withOrdererStates, type MemberHealth } from './member-health.js';
import { livePid, signalPid, spawnMember, stopMember } from './process-control.js';
import { stopSupervisor } from './supervisor.js';
import { servicesStatus, stopServices, type ServiceHealthStatus } from './extra-services.js';
import { connectionProfileFile } from '../config/connection-profile.js';

/** `speedledger down`: SIGTERM every member (orderers last), SIGKILL after `graceMs`. Idempotent. Returns the names it stopped. */
export async function downNetwork(dataDir: string, graceMs = 10_000): Promise<string[]> {
  const manifest = await readManifest(dataDir);
  // First, or it would restart the members being stopped.
  await stopSupervisor(manifest.dataDir);
  // Then the extra services (the ingest API drains its in-flight transactions while peers still run).
  const stopped: string[] = await stopServices(manifest.dataDir);
  const peers = manifest.processes.filter((p) => p.kind === 'peer');
  const orderers = manifest.processes.filter((p) => p.kind === 'orderer');
  for (const group of [peers, orderers]) {
    const results = await Promise.all(group.map(async (member) => ((await stopMember(member, 'SIGTERM', graceMs)) ? member.name : undefined)));
    stopped.push(...results.filter((name): name is string => name !== undefined));
  }
  return stopped;
}

/** What `speedledger status` reports. */
export interface NetworkStatus {
  readonly dataDir: string;
  readonly channel: string;
  readonly chaincode: { readonly name: string; readonly version: string; readonly sequence: number; readonly packageSha256?: string; readonly deployed: boolean };
  readonly members: readonly MemberHealth[];
  /** The extra services `up` started (ingest tier, dashboard), if any. */
  readonly services?: readonly ServiceHealthStatus[];
}

/** Every member's health and height (peers' `/status`, orderers' `/metrics`) plus the channel and chaincode. */
export async function networkStatus(dataDir: string): Promise<NetworkStatus> {
  const manifest = await readManifest(dataDir);
  const members = withOrdererStates(await Promise.all(manifest.processes.map(async (member) =>
    memberHealth(member, await livePid(member), await expectedIdentity(member, manifest.channel)))));
  const { name, deployed } = manifest.chaincode;
  // The ledger's committed definition (as the most advanced healthy peer reports it) wins over
  // what `up` deployed: `chaincode approve/commit` may have moved it on since.
  const committed = members
    .filter((m) => m.kind === 'peer' && m.healthy)
    .sort((a, b) => (b.height ?? 0) - (a.height ?? 0))
    .flatMap((m) => m.chaincodes ?? [])
    .find((c) => c.name === name);
  const { version, sequence, packageSha256 } = committed ?? manifest.chaincode;
  return {
    dataDir: manifest.dataDir, channel: manifest.channel,
    chaincode: { name, version, sequence, deployed, ...(packageSha256 === undefined ? {} : { packageSha256 }) },
    members,
    services: await servicesStatus(manifest.dataDir),
  };
}

/** Sends `signal` to one member (e.g. SIGKILL to crash it); false if it was not running. */
export async function killProcess(dataDir: string, name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<boolean> {
  const member = resolveMember(await readManifest(dataDir), name);
  const pid = await livePid(member);
  if (pid === undefined) return false;
  if (signal === 'SIGTERM' || signal === 'SIGINT') return stopMember(member, signal);
  signalPid(pid, signal);
  return true;
}

/** (Re)starts one member as a detached process; returns its pid (the running one if it is up). */
export async function startProcess(dataDir: string, name: string): Promise<number> {
  const manifest = await readManifest(dataDir);
  return spawnMember(manifest.dataDir, resolveMember(manifest, name));
}

/** `DIR/connection-<org>.json` of an organisation (`inmetro` or `InmetroMSP`). */
export function connectionProfilePath(dataDir: string, org: string): string {
  const found = NETWORK_ORGS.find((o) => o.dir === org.toLowerCase() || o.mspId.toLowerCase() === org.toLowerCase());
  if (found === undefined) throw new NetworkError('UNKNOWN_ORG', `no organisation '${org}'`, { org });
  return join(resolve(dataDir), connectionProfileFile(found));
}

/** MSP directory of a user (`Admin`, `User1`, `Registrar`) of an organisation. */
export function identityDir(dataDir: string, org: string, user: string): string {
  const found = NETWORK_ORGS.find((o) => o.dir === org.toLowerCase() || o.mspId.toLowerCase() === org.toLowerCase());
  if (found === undefined) throw new NetworkError('UNKNOWN_ORG', `no organisation '${org}'`, { org });
  const canonical = ['Admin', 'User1', 'Registrar'].find((u) => u.toLowerCase() === user.toLowerCase() || `${u}@${found.domain}`.toLowerCase() === user.toLowerCase());
  if (canonical === undefined || (canonical === 'Registrar' && !found.notifiedBody)) {
    throw new NetworkError('UNKNOWN_IDENTITY', `organisation ${found.dir} has no user '${user}'`, { org, user });
  }
  return join(resolve(dataDir), userMspDir(found, canonical));
}
