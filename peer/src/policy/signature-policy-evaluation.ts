import { common, type msp } from '@hyperledger/fabric-protos';
import type { Identity } from '../msp/index.js';
import { satisfiesPrincipal } from './principal-match.js';

/** Rules nested deeper than this are refused (a hostile policy must not exhaust the stack). */
const MAX_DEPTH = 64;

/** Identities with the same serialized bytes count once, as Fabric de-duplicates signature sets. */
export function distinctSigners(signers: readonly Identity[]): Identity[] {
  const seen = new Set<string>();
  const distinct: Identity[] = [];
  for (const signer of signers) {
    const key = Buffer.from(signer.serialized).toString('base64');
    if (seen.has(key)) continue;
    seen.add(key);
    distinct.push(signer);
  }
  return distinct;
}

function satisfied(rule: common.SignaturePolicy, principals: readonly msp.MSPPrincipal[], signers: readonly Identity[], used: boolean[], depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  switch (rule.getTypeCase()) {
    case common.SignaturePolicy.TypeCase.SIGNED_BY: {
      const principal = principals[rule.getSignedBy()];
      if (principal === undefined) return false;
      // The first unused signer that matches takes the slot, as Fabric's cauthdsl does.
      for (let i = 0; i < signers.length; i++) {
        if (used[i] || !satisfiesPrincipal(signers[i]!, principal)) continue;
        used[i] = true;
        return true;
      }
      return false;
    }
    case common.SignaturePolicy.TypeCase.N_OUT_OF: {
      const outOf = rule.getNOutOf()!;
      let verified = 0;
      for (const child of outOf.getRulesList()) {
        // A child consumes signers only if it is satisfied (Fabric copies `used` per child).
        const attempt = [...used];
        if (satisfied(child, principals, signers, attempt, depth + 1)) {
          verified += 1;
          for (let i = 0; i < used.length; i++) used[i] = attempt[i]!;
        }
      }
      return verified >= outOf.getN();
    }
    default:
      return false;
  }
}

/**
 * Evaluates a signature policy against identities whose signatures the caller has already
 * verified, with Fabric's semantics: duplicate identities count once; each identity fills at
 * most one principal slot, assigned greedily in rule order (Fabric's "used" bookkeeping, which
 * is not an optimal matching: `AND('A.member', 'A.peer')` can fail for signers [peer, client]
 * listed in that order — exactly as on Fabric); an out-of-range principal index or unset rule is
 * unsatisfied.
 */
export function evaluateSignaturePolicy(envelope: common.SignaturePolicyEnvelope, signers: readonly Identity[]): boolean {
  const rule = envelope.getRule();
  if (rule === undefined) return false;
  const distinct = distinctSigners(signers);
  return satisfied(rule, envelope.getIdentitiesList(), distinct, distinct.map(() => false), 0);
}
