import { NetworkError } from '../errors/network-error.js';
import type { NetworkManifest } from '../manifest/network-manifest.js';
import { busyPorts, describeBusyPorts, type PortNeed } from './port-check.js';

/** The options of `up` that only shape a new network (ports, size). */
export interface ShapeOptions {
  readonly orderers?: number;
  /** A port number, or `auto` for a free block. */
  readonly basePort?: number | 'auto';
}

/**
 * OPTION_NOT_APPLICABLE when `options` ask for a network shape other than the one `DIR` already
 * holds: an existing network is restarted as it was generated (its certificates, genesis block
 * and peer configs name its ports), so silently ignoring such an option would start something
 * other than what was asked for.
 */
export function refuseInapplicableOptions(manifest: NetworkManifest, options: ShapeOptions): void {
  const problems: string[] = [];
  if (options.basePort !== undefined && options.basePort !== manifest.basePort) {
    problems.push(`--base-port ${options.basePort} (it uses base port ${manifest.basePort})`);
  }
  const orderers = manifest.processes.filter((p) => p.kind === 'orderer').length;
  if (options.orderers !== undefined && options.orderers !== orderers) problems.push(`--orderers ${options.orderers} (it has ${orderers})`);
  if (problems.length === 0) return;
  throw new NetworkError('OPTION_NOT_APPLICABLE', `${manifest.dataDir} already holds a network, so ${problems.join(' and ')} cannot apply: `
    + 'drop the option to restart it as it is, or choose a new --data-dir (or "speedledger down --purge" this one first)', { dataDir: manifest.dataDir });
}

/** The gRPC and operations ports of these members. */
export function portNeeds(members: readonly { readonly name: string; readonly address: string; readonly operations: string }[]): PortNeed[] {
  return members.flatMap((m) => [
    { address: m.address, member: m.name, role: 'grpc' as const },
    { address: m.operations, member: m.name, role: 'operations' as const },
  ]);
}

/**
 * PORTS_BUSY, naming each port and the process holding it, when any of `needs` cannot be bound.
 * Run before anything is generated, spawned or sent: with another network on these ports, the
 * members would die on EADDRINUSE and the lifecycle transactions would reach the other network.
 */
export async function refuseBusyPorts(needs: readonly PortNeed[] | (() => Promise<readonly PortNeed[]>), hint: string, graceMs = 2000): Promise<void> {
  const current = typeof needs === 'function' ? needs : () => Promise.resolve(needs);
  let busy = await busyPorts(await current());
  // A member killed a moment ago may still be closing its sockets (its /proc cmdline is already
  // gone, so it no longer counts as running), or the supervisor may just have restarted it:
  // give ports a short grace, asking again which members need theirs.
  const deadline = Date.now() + graceMs;
  while (busy.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    busy = await busyPorts(await current());
  }
  if (busy.length === 0) return;
  throw new NetworkError('PORTS_BUSY', `${busy.length} of the network's ports ${busy.length === 1 ? 'is' : 'are'} taken; nothing was started or sent:\n`
    + `${describeBusyPorts(busy)}\n${hint}`, { port: busy[0]!.port });
}
