import type { Proposal, ProposalContext, Verifier } from '../core/dependencies.js';
import { bytesEqual } from '../core/bytes.js';
import { decodeIdentifierHeader, decodeMetadataSignature } from './block-metadata.js';
import { blockSigningInput } from './block-signature.js';
import { type ConsenterIdentity, resolveConsenters } from './consenter-identity.js';
import { verifyP256 } from './ecdsa.js';

/** Options shared with the signers of the channel. */
export interface FabricVerifierOptions {
  /** Index of the last config block (0 while the channel has only its genesis config). */
  readonly lastConfigIndex?: number;
}

/**
 * The core's {@link Verifier} for Fabric consenters. Replica index i is `consenters[i]`, so every
 * replica must list the consenters in the same order (the channel config's consenter mapping).
 * Never throws on network input: malformed signatures simply do not verify.
 */
export function createFabricVerifier(consenters: readonly ConsenterIdentity[], options: FabricVerifierOptions = {}): Verifier {
  const resolved = resolveConsenters(consenters);
  const lastConfigIndex = options.lastConfigIndex ?? 0;
  return {
    verify(replica: number, data: Uint8Array, signature: Uint8Array): boolean {
      const consenter = resolved[replica];
      return consenter !== undefined && verifyP256(consenter.publicKey, data, signature, 'compact');
    },

    verifyProposalSignature(replica: number, proposal: Proposal, context: ProposalContext, signature: Uint8Array): boolean {
      const consenter = resolved[replica];
      if (consenter === undefined) return false;
      const decoded = decodeMetadataSignature(signature);
      if (decoded === undefined || decoded.signatureHeader.byteLength > 0) return false;
      const identifier = decodeIdentifierHeader(decoded.identifierHeader);
      if (identifier?.identifier !== consenter.id) return false;
      const expected = blockSigningInput(proposal, context, consenter.id, lastConfigIndex);
      // Insisting on the derived identifier header binds the signature to this context's digest.
      if (expected === undefined || !bytesEqual(expected.identifierHeader, decoded.identifierHeader)) return false;
      return verifyP256(consenter.publicKey, expected.payload, decoded.signature, 'der');
    },
  };
}
