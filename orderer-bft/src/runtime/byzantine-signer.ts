import type { Signer } from '../core/dependencies.js';
import { decodeMetadataSignature, encodeMetadataSignature } from '../fabric/block-metadata.js';

/**
 * TEST ONLY. Which signatures a Byzantine replica corrupts:
 * - `all`: protocol messages and proposal (commit) signatures — honest replicas drop everything
 *   it says, so it behaves like a crashed replica that still listens;
 * - `proposals`: valid protocol messages, garbage commit signatures — it takes part in the
 *   protocol but its signature must never count towards a decision's quorum.
 */
export type GarbageSignatures = 'all' | 'proposals';

/** The config section that turns a replica Byzantine (refused without `SPEEDLEDGER_ALLOW_BYZANTINE=1`). */
export interface ByzantineConfig {
  readonly garbageSignatures: GarbageSignatures;
}

/** The allowed values of {@link ByzantineConfig.garbageSignatures}. */
export const GARBAGE_SIGNATURE_MODES: readonly GarbageSignatures[] = ['all', 'proposals'];

/**
 * Wraps a genuine {@link Signer} so that it returns valid-looking but wrong signatures (TEST ONLY).
 * The garbage keeps the encoding of the real signature — same length, a Fabric
 * `MetadataSignature` with the right identifier header, still-parseable DER — so that verifiers
 * are exercised past their parsers and must reject it on the ECDSA check itself.
 */
export function createGarbageSigner(inner: Signer, mode: GarbageSignatures): Signer {
  return {
    sign: mode === 'all' ? (data) => corrupt(inner.sign(data)) : (data) => inner.sign(data),
    signProposal(proposal, context) {
      const genuine = inner.signProposal(proposal, context);
      const metadata = decodeMetadataSignature(genuine);
      // Fabric identities wrap the ECDSA signature in a MetadataSignature: corrupt only the
      // signature inside so the identifier header still names this consenter (the re-encoding
      // check keeps a bare DER signature, which may happen to parse as protobuf, out of this path).
      if (metadata !== undefined && metadata.signature.byteLength > 0 && Buffer.from(encodeMetadataSignature(metadata)).equals(genuine)) {
        return encodeMetadataSignature({ ...metadata, signature: corrupt(metadata.signature) });
      }
      return corrupt(genuine);
    },
  };
}

/**
 * Flips bits in the last byte: part of `s` in both compact (r‖s) and DER encodings, so the
 * result still parses yet no longer verifies.
 */
function corrupt(signature: Uint8Array): Uint8Array {
  const out = new Uint8Array(signature);
  if (out.byteLength > 0) out[out.byteLength - 1]! ^= 0x5a;
  return out;
}
