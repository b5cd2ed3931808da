import { NetworkError } from '../errors/network-error.js';
import { NETWORK_ORGS, type NetworkOrg } from './network-orgs.js';

/** Options of {@link planNetwork}. */
export interface PlanOptions {
  /**
   * Number of orderer replicas, 3f+1 with f ≥ 1 (default 4), or 1: a lone replica (f = 0), the
   * analogue of Fabric's solo orderer, which tolerates no fault — for benchmarks beside the
   * seed paper's solo figures, never for a network that has to survive a failure.
   */
  readonly orderers?: number;
  /** First port of the network's port block (default 7050). */
  readonly basePort?: number;
  /** Loopback address every member listens on (default 127.0.0.1). */
  readonly host?: string;
}

/** Where one member process lives, relative to the data directory. */
export interface PlannedMember {
  readonly name: string;
  readonly kind: 'orderer' | 'peer';
  /** Organisation directory name (`inmetro`, ...). */
  readonly org: string;
  /** MSP id the member signs as. */
  readonly mspId: string;
  /** gRPC host:port. */
  readonly address: string;
  /** Operations endpoint (`/healthz`, `/status`, `/metrics`, `/version`, `/logspec`) of a peer or orderer, host:port. */
  readonly operations: string;
  /** MSP directory of the member's identity (relative). */
  readonly mspDir: string;
  /** Data directory (relative). */
  readonly dataDir: string;
  /** Config file (relative). */
  readonly configFile: string;
  /** Replica index in the genesis consenter list (orderers only). */
  readonly replicaIndex?: number;
}

/** Everything the network is made of, before anything is written. */
export interface NetworkPlan {
  readonly host: string;
  readonly basePort: number;
  readonly orderers: readonly PlannedMember[];
  readonly peers: readonly PlannedMember[];
}

/** Ports per organisation slot: orderer gRPC, peer gRPC, orderer metrics, peer operations. */
export const PORT_STRIDE = 10;

/** The user names every organisation has (`Registrar` only for notified bodies). */
export const USERS = ['Admin', 'User1', 'Registrar'] as const;

/** Relative path of an organisation's directory. */
export function orgDirOf(org: NetworkOrg): string {
  return `organizations/${org.dir}`;
}

/** Relative MSP directory of a user (`Admin`, `User1`, `Registrar`) of an organisation. */
export function userMspDir(org: NetworkOrg, user: string): string {
  return `${orgDirOf(org)}/users/${user}@${org.domain}/msp`;
}

/** Number of ports {@link planNetwork} uses from the base port on. */
export function portSpan(orderers: number): number {
  return Math.max(orderers, NETWORK_ORGS.length) * PORT_STRIDE;
}

/**
 * Lays the network out: orderer i is owned by organisation i mod 4 (round-robin, so with more
 * than four orderers an organisation runs several, named orderer0, orderer1, ... in its domain),
 * one peer per organisation. Organisation slot k uses ports base+10k … base+10k+3.
 */
export function planNetwork(options: PlanOptions = {}): NetworkPlan {
  const count = options.orderers ?? 4;
  const basePort = options.basePort ?? 7050;
  const host = options.host ?? '127.0.0.1';
  if (!Number.isInteger(count) || count < 1 || count % 3 !== 1) {
    throw new NetworkError('INVALID_OPTIONS', `orderers must be 3f+1 (1 — no fault tolerated —, 4, 7, 10, …), not ${count}`, { orderers: String(count) });
  }
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort + portSpan(count) > 65_535) {
    throw new NetworkError('INVALID_OPTIONS', `base port ${basePort} must leave ${portSpan(count)} ports below 65536 (and be ≥ 1024)`, { basePort });
  }
  const port = (slot: number, offset: number): string => `${host}:${basePort + slot * PORT_STRIDE + offset}`;
  const orderers = Array.from({ length: count }, (_, i): PlannedMember => {
    const org = NETWORK_ORGS[i % NETWORK_ORGS.length]!;
    const local = Math.floor(i / NETWORK_ORGS.length);
    const name = `orderer${local}.${org.domain}`;
    return {
      name, kind: 'orderer', org: org.dir, mspId: org.ordererMspId, address: port(i, 0), operations: port(i, 2),
      mspDir: `${orgDirOf(org)}/orderers/${name}/msp`, dataDir: `data/orderer${local}.${org.dir}`, configFile: `config/${name}.json`,
      replicaIndex: i,
    };
  });
  const peers = NETWORK_ORGS.map((org, k): PlannedMember => {
    const name = `peer0.${org.domain}`;
    return {
      name, kind: 'peer', org: org.dir, mspId: org.mspId, address: port(k, 1), operations: port(k, 3),
      mspDir: `${orgDirOf(org)}/peers/${name}/msp`, dataDir: `data/peer0.${org.dir}`, configFile: `${name}.json`,
    };
  });
  return { host, basePort, orderers, peers };
}
