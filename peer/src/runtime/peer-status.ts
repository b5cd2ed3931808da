import type { PeerLedger } from '../ledger/index.js';
import { decodeDefinition, LIFECYCLE_NAMESPACE, refusalKey } from '../lifecycle/index.js';
import type { ChaincodeDefinition } from '../lifecycle/index.js';
import type { PackageVerdict } from './chaincode-resolver.js';

/** One committed chaincode as `/status` reports it. */
export interface ChaincodeStatus {
  readonly name: string;
  readonly version: string;
  readonly sequence: number;
  readonly packageSha256: string;
  /** True when this peer holds the package with the committed fingerprint and will run it. */
  readonly running: boolean;
  /** Set when this peer refuses the package it holds (fingerprint mismatch). */
  readonly refusal?: { readonly actualSha256: string; readonly recordedOnLedger: boolean };
}

/** The `/status` document. */
export interface PeerStatus {
  readonly name: string;
  readonly mspId: string;
  /** Lower-case hex SHA-256 of the DER of the peer's signing certificate: lets a tool tell this peer from another that answers on the same port. */
  readonly certSha256: string;
  readonly channel: string;
  readonly height: number;
  readonly currentBlockHash: string;
  readonly orderer: string;
  readonly chaincodes: readonly ChaincodeStatus[];
}

/** Committed definitions in the ledger's `_lifecycle` namespace with this peer's view of their packages. */
export async function chaincodeStatuses(
  ledger: PeerLedger, peer: { readonly name: string; readonly mspId: string },
  packages: { verdict(definition: ChaincodeDefinition): PackageVerdict; running(definition: ChaincodeDefinition): boolean },
): Promise<ChaincodeStatus[]> {
  const statuses: ChaincodeStatus[] = [];
  for await (const entry of ledger.state.range(LIFECYCLE_NAMESPACE, 'definitions/', 'definitions0')) {
    let definition;
    try {
      definition = decodeDefinition(entry.value);
    } catch {
      continue;
    }
    const resolution = packages.verdict(definition);
    const { name, version, sequence, packageSha256 } = definition;
    let refusal: ChaincodeStatus['refusal'];
    if (resolution.kind === 'mismatch') {
      const recorded = await ledger.state.get(LIFECYCLE_NAMESPACE, refusalKey(peer.mspId, name, sequence, peer.name));
      refusal = { actualSha256: resolution.package.sha256, recordedOnLedger: recorded !== undefined };
    }
    statuses.push({ name, version, sequence, packageSha256, running: resolution.kind === 'found' && packages.running(definition), ...(refusal === undefined ? {} : { refusal }) });
  }
  return statuses;
}
