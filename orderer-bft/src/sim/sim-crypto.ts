import { createHash, createHmac } from 'node:crypto';
import { canonicalBytes } from '../core/canonical-bytes.js';
import type { Hasher, Proposal, ProposalContext, Signer, Verifier } from '../core/dependencies.js';

/** SHA-256 via node:crypto. */
export const sha256Hasher: Hasher = {
  hash: (data) => new Uint8Array(createHash('sha256').update(data).digest()),
};

/**
 * Simulated PKI: each replica's "signature" is an HMAC under a per-replica secret derived from
 * the run seed. Unforgeable for the simulated adversary, which only ever gets its own signer,
 * and far cheaper than ECDSA for thousands of seeds. The Fabric layer will supply real keys.
 */
export class SimKeyring implements Verifier {
  private readonly keys: Buffer[];

  constructor(seed: number, n: number) {
    this.keys = Array.from({ length: n }, (_, i) => createHash('sha256').update(`sim-key/${seed}/${i}`).digest());
  }

  signerFor(replica: number): Signer {
    const key = this.keys[replica]!;
    return {
      sign: (data) => mac(key, data),
      signProposal: (_proposal, context) => mac(key, proposalSigningBytes(context)),
    };
  }

  verify(replica: number, data: Uint8Array, signature: Uint8Array): boolean {
    const key = this.keys[replica];
    return key !== undefined && Buffer.from(signature).equals(mac(key, data));
  }

  verifyProposalSignature(replica: number, _proposal: Proposal, context: ProposalContext, signature: Uint8Array): boolean {
    return this.verify(replica, proposalSigningBytes(context), signature);
  }
}

function proposalSigningBytes(context: ProposalContext): Uint8Array {
  return canonicalBytes({ commit: context.digest, sequence: context.sequence, view: context.view });
}

function mac(key: Buffer, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(data).digest());
}
