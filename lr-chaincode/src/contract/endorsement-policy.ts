// Named imports: fabric-protos is compiled TypeScript (`__esModule`, no default export), so a
// default import works under Node's ESM loader but is undefined in the chaincode's CJS bundle.
import { common, msp } from '@hyperledger/fabric-protos';
import { KeyEndorsementPolicy } from './fabric-api.js';
import type { Governance } from './governance.js';

/**
 * The key-level endorsement policy put on each meter key: `registrationQuorum` of the notified
 * bodies' peers. Built with fabric-shim's {@link KeyEndorsementPolicy} (which can only express
 * "all of these orgs"); for k < n the rule's N is lowered to k, which keeps the identities and
 * signed-by rules exactly as the shim lays them out.
 */
export function registrationPolicy(governance: Governance): Uint8Array {
  const policy = new KeyEndorsementPolicy();
  policy.addOrgs('PEER', ...governance.notifiedBodies);
  const bytes = policy.getPolicy();
  if (governance.registrationQuorum === governance.notifiedBodies.length) return bytes;
  const envelope = common.SignaturePolicyEnvelope.deserializeBinary(bytes);
  envelope.getRule()!.getNOutOf()!.setN(governance.registrationQuorum);
  return envelope.serializeBinary();
}

/** A decoded validation parameter: k and the MSP ids of its principals (for tests and audits). */
export interface PolicySummary {
  readonly required: number;
  readonly mspIds: string[];
  readonly roles: number[];
}

/** Decodes a SignaturePolicyEnvelope written by {@link registrationPolicy}. */
export function summarisePolicy(bytes: Uint8Array): PolicySummary {
  const envelope = common.SignaturePolicyEnvelope.deserializeBinary(bytes);
  const principals = envelope.getIdentitiesList().map((p) => msp.MSPRole.deserializeBinary(p.getPrincipal_asU8()));
  return {
    required: envelope.getRule()?.getNOutOf()?.getN() ?? 0,
    mspIds: principals.map((r) => r.getMspIdentifier()),
    roles: principals.map((r) => r.getRole()),
  };
}
