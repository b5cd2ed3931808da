import { X509Certificate } from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';
import { blockDataHash, blockHeaderBytes } from './block-hash.js';
import { blockSignaturePayload, decodeBlockMetadataEntry, decodeIdentifierHeader, type MetadataSignature } from './block-metadata.js';
import { type ConsenterIdentity, type ResolvedConsenter, resolveConsenters } from './consenter-identity.js';
import { verifyP256 } from './ecdsa.js';
import { FabricError } from './errors.js';
import { isWellFormedEnvelope } from './fabric-assembler.js';
import { parseLenient } from './proto-parse.js';

/** Stable reasons a block is refused. */
export type BlockRejectionCode = 'MALFORMED_BLOCK' | 'BAD_DATA_HASH' | 'BROKEN_CHAIN' | 'INSUFFICIENT_SIGNATURES';

/** Outcome of {@link verifyBlock}. */
export type BlockVerification =
  | { readonly ok: true; readonly number: number; /** Consenter ids with a valid signature, ascending. */ readonly signers: readonly number[] }
  | { readonly ok: false; readonly code: BlockRejectionCode; readonly reason: string; readonly number?: number; readonly signers?: readonly number[] };

/** What a block is verified against. */
export interface VerifyBlockOptions {
  /** Header hash of the previous block; omitted = the chain link is not checked. */
  readonly previousHeaderHash?: Uint8Array;
  /** The channel's consenters (or their resolved form, to avoid re-parsing certificates). */
  readonly consenters: readonly ConsenterIdentity[] | readonly ResolvedConsenter[];
  /** Distinct valid consenter signatures required (2f+1 for 3f+1 consenters). */
  readonly quorum: number;
}

function resolved(consenters: VerifyBlockOptions['consenters']): readonly ResolvedConsenter[] {
  return consenters.every((c) => 'publicKey' in c) ? (consenters as readonly ResolvedConsenter[]) : resolveConsenters(consenters);
}

function fail(code: BlockRejectionCode, reason: string, number?: number, signers?: readonly number[]): BlockVerification {
  return { ok: false, code, reason, ...(number === undefined ? {} : { number }), ...(signers === undefined ? {} : { signers }) };
}

/**
 * Verifies a block as a Fabric 3 BFT peer does, trusting no single consenter: the data hash, the
 * chain link, and at least `quorum` valid SIGNATURES from distinct known consenters (forged,
 * duplicated and unknown signers are not counted). Never throws on block content.
 */
export function verifyBlock(block: common.Block, options: VerifyBlockOptions): BlockVerification {
  if (!Number.isInteger(options.quorum) || options.quorum < 1 || options.quorum > options.consenters.length) {
    throw new FabricError('INVALID_CONSENTERS', `quorum ${options.quorum} is impossible with ${options.consenters.length} consenters`);
  }
  const consenters = resolved(options.consenters);
  const header = block.getHeader();
  const data = block.getData();
  const metadataList = block.getMetadata()?.getMetadataList_asU8() ?? [];
  if (header === undefined || data === undefined) return fail('MALFORMED_BLOCK', 'block has no header or no data');
  const number = header.getNumber();
  const envelopes = data.getDataList_asU8();
  if (!Buffer.from(blockDataHash(envelopes)).equals(header.getDataHash_asU8())) {
    return fail('BAD_DATA_HASH', 'data hash does not match the envelopes', number);
  }
  if (!isConfigBlockData(envelopes) && !envelopes.every(isWellFormedEnvelope)) {
    return fail('MALFORMED_BLOCK', 'a data entry is not a well-formed signed envelope', number);
  }
  if (options.previousHeaderHash !== undefined && !Buffer.from(options.previousHeaderHash).equals(header.getPreviousHash_asU8())) {
    return fail('BROKEN_CHAIN', 'previous hash does not match the previous block header hash', number);
  }
  const entry = metadataList[common.BlockMetadataIndex.SIGNATURES];
  const signatures = entry === undefined ? undefined : decodeBlockMetadataEntry(entry);
  if (signatures === undefined) return fail('MALFORMED_BLOCK', 'SIGNATURES metadata is missing or malformed', number);

  const headerBytes = blockHeaderBytes(header);
  const signers = new Set<number>();
  for (const signature of signatures.signatures) {
    const consenter = signerOf(signature, consenters);
    if (consenter === undefined || signers.has(consenter.id)) continue;
    const signedHeader = signature.signatureHeader.byteLength > 0 ? signature.signatureHeader : signature.identifierHeader;
    const payload = blockSignaturePayload(signatures.value, signedHeader, headerBytes);
    if (verifyP256(consenter.publicKey, payload, signature.signature, 'der')) signers.add(consenter.id);
  }
  const valid = [...signers].sort((a, b) => a - b);
  if (valid.length < options.quorum) {
    return fail('INSUFFICIENT_SIGNATURES', `${valid.length} valid consenter signatures, ${options.quorum} required`, number, valid);
  }
  return { ok: true, number, signers: valid };
}

/**
 * The consenter a signature claims: by numeric identifier (Fabric 3 BFT) or, with a classic
 * signature header, by its serialised creator identity.
 */
function signerOf(signature: MetadataSignature, consenters: readonly ResolvedConsenter[]): ResolvedConsenter | undefined {
  if (signature.signatureHeader.byteLength === 0) {
    const identifier = decodeIdentifierHeader(signature.identifierHeader);
    return identifier === undefined ? undefined : consenters.find((c) => c.id === identifier.identifier);
  }
  const header = parseLenient(common.SignatureHeader, signature.signatureHeader);
  const creator = header === undefined ? undefined : parseLenient(msp.SerializedIdentity, header.getCreator_asU8());
  if (creator === undefined) return undefined;
  const raw = creator.getIdBytes_asU8();
  return consenters.find((c) => c.mspId === creator.getMspid() && sameCertificate(c.certPem, raw));
}

function sameCertificate(pem: string, raw: Uint8Array): boolean {
  try {
    return new X509Certificate(pem).raw.equals(new X509Certificate(Buffer.from(raw)).raw);
  } catch {
    return false;
  }
}

/** A config block holds exactly one CONFIG envelope (whose signature may legitimately be empty). */
function isConfigBlockData(envelopes: readonly Uint8Array[]): boolean {
  if (envelopes.length !== 1) return false;
  const envelope = parseLenient(common.Envelope, envelopes[0]!);
  const payload = envelope === undefined ? undefined : parseLenient(common.Payload, envelope.getPayload_asU8());
  const channelHeaderBytes = payload?.getHeader()?.getChannelHeader_asU8();
  const channelHeader = channelHeaderBytes === undefined ? undefined : parseLenient(common.ChannelHeader, channelHeaderBytes);
  return channelHeader?.getType() === common.HeaderType.CONFIG;
}
