import type { PeerNodeConfig } from '@speedledger/peer';
import { CHANNEL_ID, LIFECYCLE_APPROVAL_POLICY, NETWORK_ORGS } from '../plan/network-orgs.js';
import type { NetworkPlan, PlannedMember } from '../plan/network-plan.js';
import { GENESIS_BLOCK_FILE } from '../material/generate-material.js';

/**
 * The peer's `--config` file: the peer package's own config type (paths here are relative to the
 * data directory, where the file is written), with the optional parts this network always sets.
 */
export type PeerConfigFile = PeerNodeConfig & Required<Pick<PeerNodeConfig, 'orderers' | 'lifecycle'>>;

/** Directory a peer installs chaincode packages from (relative to the data directory). */
export function chaincodePackagesDir(peer: PlannedMember): string {
  return `${peer.dataDir}/chaincodes`;
}

/** A peer's config: every orderer, every other peer as a gateway endorser, the lifecycle approval rule. */
export function peerConfig(plan: NetworkPlan, peer: PlannedMember, logLevel: PeerConfigFile['logLevel'] = 'info'): PeerConfigFile {
  return {
    name: peer.name, mspId: peer.mspId, mspDir: peer.mspDir,
    listen: { grpc: peer.address, operations: peer.operations },
    dataDir: peer.dataDir,
    channel: { id: CHANNEL_ID, genesisBlock: GENESIS_BLOCK_FILE },
    orderers: plan.orderers.map((o) => o.address),
    gatewayPeers: plan.peers.filter((p) => p.name !== peer.name).map((p) => ({ name: p.name, mspId: p.mspId, address: p.address })),
    chaincodePackagesDir: chaincodePackagesDir(peer),
    lifecycle: { approvalPolicy: LIFECYCLE_APPROVAL_POLICY },
    logLevel,
  };
}

/**
 * An orderer replica's config for `speedledger orderer start` (Fabric mode). The file lives in
 * `DIR/config/`, and the orderer resolves paths from there, hence the `../` prefixes.
 */
export function ordererConfig(plan: NetworkPlan, orderer: PlannedMember, logLevel = 'info'): Record<string, unknown> {
  const up = (path: string): string => `../${path}`;
  return {
    id: orderer.replicaIndex,
    channel: CHANNEL_ID,
    listen: { grpc: orderer.address, metrics: orderer.operations },
    replicas: plan.orderers.map((o) => ({ id: o.replicaIndex, address: o.address })),
    fabric: {
      genesisBlockFile: up(GENESIS_BLOCK_FILE),
      certFile: up(`${orderer.mspDir}/signcerts/${orderer.name}-cert.pem`),
      privateKeyFile: up(`${orderer.mspDir}/keystore/priv_sk`),
    },
    dataDir: up(orderer.dataDir),
    logLevel,
  };
}

/** Organisation names of the plan, for checking `--org`. */
export const ORG_DIRS = NETWORK_ORGS.map((o) => o.dir);
