import { openGatewaySession } from '../adapters/gateway-session.js';
import type { NetworkManifest } from '../manifest/network-manifest.js';
import { LIFECYCLE_CHAINCODE, type ChaincodeDefinitionInput } from './chaincode-lifecycle.js';

/** One package installed on a peer (`_lifecycle` QueryInstalledChaincodes). */
export interface InstalledChaincode {
  /** Fabric's package id, `label:sha256`. */
  readonly packageId: string;
  readonly label: string;
  /** Committed definitions that pin this package. */
  readonly references: readonly { readonly name: string; readonly version: string; readonly sequence: number }[];
}

/** An organisation's approved definition (`_lifecycle` QueryApprovedChaincodeDefinition). */
export interface ApprovedDefinition extends ChaincodeDefinitionInput {
  readonly approvedBy: string;
  /** `packageId` when the organisation's peer holds the approved package, else `unavailable`. */
  readonly source: { readonly packageId?: string; readonly unavailable?: boolean };
}

/** A committed definition with the organisations whose approvals match it. */
export interface CommittedDefinition extends ChaincodeDefinitionInput {
  readonly approvals?: Readonly<Record<string, boolean>>;
}

async function evaluateAs(manifest: NetworkManifest, org: string, user: string, fn: string, arg: unknown): Promise<unknown> {
  const session = await openGatewaySession(manifest, org, user);
  try {
    return JSON.parse(await session.evaluate(LIFECYCLE_CHAINCODE, fn, [JSON.stringify(arg)])) as unknown;
  } finally {
    session.close();
  }
}

/** `peer lifecycle chaincode queryinstalled`: the packages on ORG's peer (as ORG's admin). */
export async function queryInstalled(manifest: NetworkManifest, org: string): Promise<InstalledChaincode[]> {
  return ((await evaluateAs(manifest, org, 'Admin', 'QueryInstalledChaincodes', {})) as { installedChaincodes: InstalledChaincode[] }).installedChaincodes;
}

/** `peer lifecycle chaincode queryapproved`: ORG's approval of `name` (at `sequence`, default its latest). */
export async function queryApproved(manifest: NetworkManifest, org: string, name: string, sequence?: number): Promise<ApprovedDefinition> {
  return (await evaluateAs(manifest, org, 'Admin', 'QueryApprovedChaincodeDefinition', { name, ...(sequence === undefined ? {} : { sequence }) })) as ApprovedDefinition;
}

/** `peer lifecycle chaincode querycommitted`: one committed definition (with approvals) or all of them. */
export async function queryCommitted(manifest: NetworkManifest, org: string, name?: string): Promise<CommittedDefinition[]> {
  if (name !== undefined) return [(await evaluateAs(manifest, org, 'User1', 'QueryChaincodeDefinition', { name })) as CommittedDefinition];
  return ((await evaluateAs(manifest, org, 'User1', 'QueryChaincodeDefinitions', {})) as { definitions: CommittedDefinition[] }).definitions;
}
