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
  /**
   * Signatures this keyring issued, with signer and signed bytes. A message is verified by every
   * replica it reaches; a signature object we made ourselves verifies by comparing bytes instead
   * of recomputing the MAC (same answer, a third of the sweep's time). Copies and forgeries are
   * new objects and take the full path.
   */
  private readonly issued = new WeakMap<Uint8Array, { readonly replica: number; readonly data: Buffer; readonly signature: Buffer }>();

  constructor(seed: number, n: number) {
    this.keys = Array.from({ length: n }, (_, i) => createHash('sha256').update(`sim-key/${seed}/${i}`).digest());
  }

  signerFor(replica: number): Signer {
    const key = this.keys[replica]!;
    const sign = (data: Uint8Array): Uint8Array => {
      const signature = mac(key, data);
      this.issued.set(signature, { replica, data: Buffer.from(data), signature: Buffer.from(signature) });
      return signature;
    };
    return { sign, signProposal: (_proposal, context) => sign(proposalSigningBytes(context)) };
  }

  verify(replica: number, data: Uint8Array, signature: Uint8Array): boolean {
    const key = this.keys[replica];
    if (key === undefined || !(signature instanceof Uint8Array)) return false;
    const known = this.issued.get(signature);
    if (known !== undefined && known.replica === replica && known.data.equals(data) && known.signature.equals(signature)) return true;
    return Buffer.from(signature).equals(mac(key, data));
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
