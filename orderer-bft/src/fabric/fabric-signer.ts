import { X509Certificate } from 'node:crypto';
import type { Proposal, ProposalContext, Signer } from '../core/dependencies.js';
import { encodeMetadataSignature } from './block-metadata.js';
import { blockSigningInput } from './block-signature.js';
import { loadPrivateKey, signP256 } from './ecdsa.js';
import { FabricError } from './errors.js';

/** A consenter's signing identity. */
export interface FabricSignerOptions {
  /** Fabric consenter id (the `Consenter.id` of the channel's `Orderers` value). */
  readonly consenterId: number;
  readonly mspId: string;
  /** The consenter's enrolment certificate (PEM); its key must match `privateKeyPem`. */
  readonly certPem: string;
  readonly privateKeyPem: string;
  /** Index of the last config block (0 while the channel has only its genesis config). */
  readonly lastConfigIndex?: number;
}

/** A {@link Signer} that also tells who it is. */
export interface FabricSigner extends Signer {
  readonly consenterId: number;
  readonly mspId: string;
  readonly certPem: string;
}

/**
 * The core's {@link Signer} for a Fabric consenter. Protocol messages: compact (r‖s) low-S
 * ECDSA P-256/SHA-256. Proposals: a serialised `common.MetadataSignature` with an identifier header
 * and a DER low-S signature over metadata value ‖ identifier header ‖ block header bytes, exactly
 * what a Fabric 3 BFT peer verifies in the block's SIGNATURES metadata.
 */
export function createFabricSigner(options: FabricSignerOptions): FabricSigner {
  const { consenterId, mspId, certPem } = options;
  const lastConfigIndex = options.lastConfigIndex ?? 0;
  if (!Number.isInteger(consenterId) || consenterId < 0 || consenterId > 0xffff_ffff) {
    throw new FabricError('INVALID_IDENTITY', `consenter id ${consenterId} is not a uint32`, { consenterId });
  }
  let key;
  try {
    key = loadPrivateKey(options.privateKeyPem);
    const publicKey = new X509Certificate(certPem).publicKey;
    const a = publicKey.export({ format: 'jwk' });
    const b = key.export({ format: 'jwk' });
    if (a.x !== b.x || a.y !== b.y) throw new Error('certificate does not match the private key');
  } catch (cause) {
    throw new FabricError('INVALID_IDENTITY', `consenter ${consenterId}: unusable key or certificate`, { consenterId, mspId }, cause);
  }
  return {
    consenterId,
    mspId,
    certPem,
    sign: (data: Uint8Array) => signP256(key, data, 'compact'),
    signProposal(proposal: Proposal, context: ProposalContext): Uint8Array {
      const input = blockSigningInput(proposal, context, consenterId, lastConfigIndex);
      if (input === undefined) {
        throw new FabricError('BAD_PROPOSAL', 'refusing to sign a proposal whose header is not block number = sequence', {
          consenterId, sequence: context.sequence,
        });
      }
      return encodeMetadataSignature({
        signatureHeader: new Uint8Array(0),
        signature: signP256(key, input.payload, 'der'),
        identifierHeader: input.identifierHeader,
      });
    },
  };
}
