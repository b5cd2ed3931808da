import { policy } from '@speedledger/peer';

/**
 * The DSL of `/Channel/Application/LifecycleEndorsement` for the embedded network:
 * `AND('<notified>.peer', OutOf(k, '<other>.peer', ...))` — the notified body's peer and enough of
 * the others' for a majority of all organisations. Fabric's evaluator uses each signature once, so
 * "notified body AND OutOf(majority, all)" would need every organisation; this form is the same
 * rule (a majority that includes the notified body) and is met by one endorsement per organisation.
 */
export function lifecycleEndorsementDsl(notifiedBody: string, allOrgs: readonly string[]): string {
  const others = allOrgs.filter((o) => o !== notifiedBody);
  const majority = Math.floor(allOrgs.length / 2) + 1;
  return `AND('${notifiedBody}.peer', OutOf(${majority - 1}, ${others.map((o) => `'${o}.peer'`).join(', ')}))`;
}

/** {@link lifecycleEndorsementDsl} compiled by the peer's policy DSL to a serialised `SignaturePolicyEnvelope`. */
export function lifecycleEndorsementPolicy(notifiedBody: string, allOrgs: readonly string[]): Uint8Array {
  return policy.parseSignaturePolicy(lifecycleEndorsementDsl(notifiedBody, allOrgs)).serializeBinary();
}
