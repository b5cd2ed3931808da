import { join } from 'node:path';
import { connectionProfileFile } from '../config/connection-profile.js';
import { chaincodePackagesDir } from '../config/member-configs.js';
import { lifecycleEndorsementDsl } from '../material/channel-policies.js';
import { GENESIS_BLOCK_FILE } from '../material/generate-material.js';
import {
  CHAINCODE_ENDORSEMENT_POLICY, CHAINCODE_NAME, CHANNEL_ID, LIFECYCLE_APPROVAL_POLICY, NETWORK_ORGS,
} from '../plan/network-orgs.js';
import { orgDirOf, userMspDir, type NetworkPlan } from '../plan/network-plan.js';

/** Format tag of `DIR/network.json`. */
export const MANIFEST_FORMAT = 'speedledger-network/1';

/** One member process of the network (all paths absolute). */
export interface ManifestProcess {
  readonly name: string;
  readonly kind: 'orderer' | 'peer';
  /** Organisation directory name (`inmetro`, ...). */
  readonly org: string;
  readonly mspId: string;
  /** gRPC host:port. */
  readonly address: string;
  /** Operations endpoint (`/healthz`, `/status`, `/metrics`, `/version`, `/logspec`) of a peer or orderer, host:port. */
  readonly operations: string;
  readonly configFile: string;
  readonly pidFile: string;
  readonly logFile: string;
  readonly dataDir: string;
  readonly mspDir: string;
  /** Peers only: where chaincode packages are installed from. */
  readonly chaincodePackagesDir?: string;
}

/** A client or admin identity (absolute MSP directory). */
export interface ManifestIdentity {
  readonly org: string;
  readonly mspId: string;
  /** `Admin`, `User1` or `Registrar`. */
  readonly user: string;
  /** Enrolment name, e.g. `Admin@inmetro.speedledger.local`. */
  readonly name: string;
  readonly role: 'admin' | 'client' | 'registrar';
  readonly mspDir: string;
}

/** An organisation of the network with its directories (absolute). */
export interface ManifestOrg {
  readonly dir: string;
  readonly mspId: string;
  readonly ordererMspId: string;
  readonly domain: string;
  readonly notifiedBody: boolean;
  readonly description: string;
  readonly orgDir: string;
  readonly connectionProfile: string;
}

/** The chaincode as `up` deployed it (`packageSha256` once known). */
export interface ManifestChaincode {
  readonly name: string;
  readonly version: string;
  readonly sequence: number;
  readonly endorsementPolicy: string;
  readonly packageSha256?: string;
  readonly deployed: boolean;
}

/** `DIR/network.json`: where every process, file and identity of the network is. */
export interface NetworkManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly dataDir: string;
  readonly channel: string;
  readonly genesisBlock: string;
  readonly basePort: number;
  readonly createdAt: string;
  readonly lifecycle: { readonly approvalPolicy: string; readonly endorsementPolicy: string };
  readonly chaincode: ManifestChaincode;
  readonly orgs: readonly ManifestOrg[];
  readonly processes: readonly ManifestProcess[];
  readonly identities: readonly ManifestIdentity[];
}

/** The manifest of a freshly planned network rooted at the absolute `dataDir`. */
export function buildManifest(plan: NetworkPlan, dataDir: string, createdAt: Date): NetworkManifest {
  const abs = (path: string): string => join(dataDir, path);
  const processes = [...plan.orderers, ...plan.peers].map((m): ManifestProcess => ({
    name: m.name, kind: m.kind, org: m.org, mspId: m.mspId, address: m.address, operations: m.operations,
    configFile: abs(m.configFile), pidFile: abs(`run/${m.name}.pid`), logFile: abs(`logs/${m.name}.log`),
    dataDir: abs(m.dataDir), mspDir: abs(m.mspDir),
    ...(m.kind === 'peer' ? { chaincodePackagesDir: abs(chaincodePackagesDir(m)) } : {}),
  }));
  const identities: ManifestIdentity[] = [];
  for (const org of NETWORK_ORGS) {
    const users: Array<[string, ManifestIdentity['role']]> = [['Admin', 'admin'], ['User1', 'client']];
    if (org.notifiedBody) users.push(['Registrar', 'registrar']);
    for (const [user, role] of users) {
      identities.push({ org: org.dir, mspId: org.mspId, user, name: `${user}@${org.domain}`, role, mspDir: abs(userMspDir(org, user)) });
    }
  }
  return {
    format: MANIFEST_FORMAT,
    dataDir,
    channel: CHANNEL_ID,
    genesisBlock: abs(GENESIS_BLOCK_FILE),
    basePort: plan.basePort,
    createdAt: createdAt.toISOString(),
    lifecycle: { approvalPolicy: LIFECYCLE_APPROVAL_POLICY, endorsementPolicy: lifecycleEndorsementDsl('InmetroMSP', NETWORK_ORGS.map((o) => o.mspId)) },
    chaincode: { name: CHAINCODE_NAME, version: '1.0', sequence: 1, endorsementPolicy: CHAINCODE_ENDORSEMENT_POLICY, deployed: false },
    orgs: NETWORK_ORGS.map((org) => ({
      dir: org.dir, mspId: org.mspId, ordererMspId: org.ordererMspId, domain: org.domain, notifiedBody: org.notifiedBody,
      description: org.description, orgDir: abs(orgDirOf(org)), connectionProfile: abs(connectionProfileFile(org)),
    })),
    processes,
    identities,
  };
}
