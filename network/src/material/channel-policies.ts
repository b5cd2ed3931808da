import { common, msp } from '@hyperledger/fabric-protos';

type Rule = { readonly signedBy: string } | { readonly outOf: number; readonly rules: readonly Rule[] };

const PEER_ROLE = msp.MSPRole.MSPRoleType.PEER;

function principalsOf(rule: Rule, into: string[]): void {
  if ('signedBy' in rule) {
    if (!into.includes(rule.signedBy)) into.push(rule.signedBy);
    return;
  }
  for (const inner of rule.rules) principalsOf(inner, into);
}

function encodeRule(rule: Rule, principals: readonly string[]): common.SignaturePolicy {
  const policy = new common.SignaturePolicy();
  if ('signedBy' in rule) {
    policy.setSignedBy(principals.indexOf(rule.signedBy));
    return policy;
  }
  const outOf = new common.SignaturePolicy.NOutOf();
  outOf.setN(rule.outOf);
  outOf.setRulesList(rule.rules.map((inner) => encodeRule(inner, principals)));
  policy.setNOutOf(outOf);
  return policy;
}

/** A `SignaturePolicyEnvelope` over `<msp>.peer` principals, deduplicated in first-use order as policydsl does. */
function peerPolicyEnvelope(rule: Rule): Uint8Array {
  const principals: string[] = [];
  principalsOf(rule, principals);
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setRule(encodeRule(rule, principals));
  envelope.setIdentitiesList(principals.map((mspId) => {
    const role = new msp.MSPRole();
    role.setMspIdentifier(mspId);
    role.setRole(PEER_ROLE);
    const principal = new msp.MSPPrincipal();
    principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
    principal.setPrincipal(role.serializeBinary());
    return principal;
  }));
  return envelope.serializeBinary();
}

/**
 * `/Channel/Application/LifecycleEndorsement` for the embedded network:
 * `AND('<notified>.peer', OutOf(k, '<other>.peer', ...))` — the notified body's peer and enough of
 * the others' for a majority of all organisations. Fabric's evaluator uses each signature once, so
 * "notified body AND OutOf(majority, all)" would need every organisation; this form is the same
 * rule (majority including the notified body) and satisfiable by one endorsement per organisation.
 */
export function lifecycleEndorsementPolicy(notifiedBody: string, allOrgs: readonly string[]): Uint8Array {
  const others = allOrgs.filter((o) => o !== notifiedBody);
  const majority = Math.floor(allOrgs.length / 2) + 1;
  return peerPolicyEnvelope({ outOf: 2, rules: [{ signedBy: notifiedBody }, { outOf: majority - 1, rules: others.map((signedBy) => ({ signedBy })) }] });
}

/** The DSL text of {@link lifecycleEndorsementPolicy}, for documentation and `status`. */
export function lifecycleEndorsementDsl(notifiedBody: string, allOrgs: readonly string[]): string {
  const others = allOrgs.filter((o) => o !== notifiedBody);
  const majority = Math.floor(allOrgs.length / 2) + 1;
  return `AND('${notifiedBody}.peer', OutOf(${majority - 1}, ${others.map((o) => `'${o}.peer'`).join(', ')}))`;
}
