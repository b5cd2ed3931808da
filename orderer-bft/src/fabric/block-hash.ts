import { createHash } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import { derInteger, derOctetString, derSequence } from './der.js';

/** The three fields of a Fabric block header, as plain values. */
export interface BlockHeaderFields {
  readonly number: bigint | number;
  readonly previousHash: Uint8Array;
  readonly dataHash: Uint8Array;
}

// Structural, not `instanceof`: a header decoded by another copy of @hyperledger/fabric-protos
// (a peer's or an auditor's node_modules) is a different class but the same message.
function isProtoHeader(header: common.BlockHeader | BlockHeaderFields): header is common.BlockHeader {
  return typeof (header as common.BlockHeader).getNumber === 'function';
}

function fieldsOf(header: common.BlockHeader | BlockHeaderFields): BlockHeaderFields {
  if (isProtoHeader(header)) {
    return { number: header.getNumber(), previousHash: header.getPreviousHash_asU8(), dataHash: header.getDataHash_asU8() };
  }
  return header;
}

/**
 * The bytes Fabric hashes and signs for a block header (`protoutil.BlockHeaderBytes`): the ASN.1
 * DER encoding of SEQUENCE { INTEGER number, OCTET STRING previous_hash, OCTET STRING data_hash }.
 * Not the protobuf encoding: the header hash must not depend on protobuf serialisation details.
 */
export function blockHeaderBytes(header: common.BlockHeader | BlockHeaderFields): Uint8Array {
  const { number, previousHash, dataHash } = fieldsOf(header);
  return derSequence([derInteger(BigInt(number)), derOctetString(previousHash), derOctetString(dataHash)]);
}

/** SHA-256 of `blockHeaderBytes`: what the next block's previous_hash holds. */
export function blockHeaderHash(header: common.BlockHeader | BlockHeaderFields): Uint8Array {
  return sha256(blockHeaderBytes(header));
}

/**
 * Fabric 2.x+ block data hash (`protoutil.ComputeBlockDataHash`): SHA-256 over the plain
 * concatenation of the envelope bytes, with no framing.
 */
export function blockDataHash(data: common.BlockData | readonly Uint8Array[]): Uint8Array {
  const envelopes = Array.isArray(data) ? data : (data as common.BlockData).getDataList_asU8();
  const hash = createHash('sha256');
  for (const envelope of envelopes) hash.update(envelope);
  return new Uint8Array(hash.digest());
}

/** SHA-256 as bytes. */
export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}
