import { createHash } from 'node:crypto';
import type { Proposal, ProposalContext } from '../core/dependencies.js';
import { blockHeaderBytes } from './block-hash.js';
import { blockSignaturePayload, encodeIdentifierHeader, ordererBlockMetadataValue } from './block-metadata.js';
import { parseBlockHeader } from './fabric-assembler.js';

/** Everything a consenter signs for one proposal, derived from (proposal, context) alone. */
export interface BlockSigningInput {
  /** SIGNATURES metadata value (serialised `common.OrdererBlockMetadata`), shared by all signers. */
  readonly metadataValue: Uint8Array;
  /** This consenter's serialised `common.IdentifierHeader`. */
  readonly identifierHeader: Uint8Array;
  /** Metadata value ‖ identifier header ‖ ASN.1 block header bytes: the ECDSA message. */
  readonly payload: Uint8Array;
}

const NONCE_DOMAIN = 'speedledger/orderer-bft/block-signature-nonce/v1';

/**
 * The identifier header nonce. Fabric's SmartBFT draws it at random; here it is derived from the
 * proposal digest so that every replica can recompute it, and so that the signature also binds the
 * payload framing (the block header's data hash covers only the concatenated envelopes).
 */
export function signatureNonce(context: ProposalContext, consenterId: number): Uint8Array {
  const hash = createHash('sha256')
    .update(`${NONCE_DOMAIN}|${context.digest}|${context.sequence}|${context.view}|${consenterId}`)
    .digest();
  return new Uint8Array(hash.subarray(0, 24));
}

/**
 * The signing input for `consenterId`, or undefined when the proposal header is malformed or its
 * block number differs from the context's sequence.
 */
export function blockSigningInput(
  proposal: Proposal,
  context: ProposalContext,
  consenterId: number,
  lastConfigIndex: number,
): BlockSigningInput | undefined {
  const header = parseBlockHeader(proposal.header);
  if (header === undefined || header.getNumber() !== context.sequence) return undefined;
  const metadataValue = ordererBlockMetadataValue(lastConfigIndex, context.view, context.sequence);
  const identifierHeader = encodeIdentifierHeader({ identifier: consenterId, nonce: signatureNonce(context, consenterId) });
  return { metadataValue, identifierHeader, payload: blockSignaturePayload(metadataValue, identifierHeader, blockHeaderBytes(header)) };
}
