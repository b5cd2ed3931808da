import { common } from '@hyperledger/fabric-protos';
import { decodeWire, encodeWire, wireBytes, wireRepeated, wireVarint } from './proto-wire.js';

/** `common.IdentifierHeader` (Fabric 3): names a consenter by its numeric id instead of a full identity. */
export interface IdentifierHeader {
  readonly identifier: number;
  readonly nonce: Uint8Array;
}

/** `common.MetadataSignature` including Fabric 3's `identifier_header` (field 3). */
export interface MetadataSignature {
  readonly signatureHeader: Uint8Array;
  readonly signature: Uint8Array;
  readonly identifierHeader: Uint8Array;
}

/** `common.Metadata`: a value and the signatures over it. */
export interface BlockMetadataEntry {
  readonly value: Uint8Array;
  readonly signatures: readonly MetadataSignature[];
}

/** Serialises an `IdentifierHeader` exactly as Go's proto.Marshal does. */
export function encodeIdentifierHeader(header: IdentifierHeader): Uint8Array {
  return encodeWire([{ field: 1, varint: header.identifier }, { field: 2, bytes: header.nonce }]);
}

/** Parses an `IdentifierHeader`; undefined when malformed or the id does not fit in uint32. */
export function decodeIdentifierHeader(bytes: Uint8Array): IdentifierHeader | undefined {
  const fields = decodeWire(bytes);
  if (fields === undefined) return undefined;
  const identifier = wireVarint(fields, 1);
  if (identifier > 0xffff_ffffn) return undefined;
  return { identifier: Number(identifier), nonce: wireBytes(fields, 2) };
}

/** Serialises a `MetadataSignature`. */
export function encodeMetadataSignature(signature: MetadataSignature): Uint8Array {
  return encodeWire([
    { field: 1, bytes: signature.signatureHeader },
    { field: 2, bytes: signature.signature },
    { field: 3, bytes: signature.identifierHeader },
  ]);
}

/** Parses a `MetadataSignature`; undefined when malformed. */
export function decodeMetadataSignature(bytes: Uint8Array): MetadataSignature | undefined {
  const fields = decodeWire(bytes);
  if (fields === undefined) return undefined;
  return { signatureHeader: wireBytes(fields, 1), signature: wireBytes(fields, 2), identifierHeader: wireBytes(fields, 3) };
}

/** Serialises a `common.Metadata` with its signatures. */
export function encodeBlockMetadataEntry(entry: BlockMetadataEntry): Uint8Array {
  const parts = [encodeWire([{ field: 1, bytes: entry.value }])];
  // Repeated embedded messages are written even when empty, as Go does.
  for (const signature of entry.signatures) {
    parts.push(lengthDelimited(2, encodeMetadataSignature(signature)));
  }
  return new Uint8Array(Buffer.concat(parts));
}

function lengthDelimited(field: number, bytes: Uint8Array): Uint8Array {
  if (bytes.byteLength > 0) return encodeWire([{ field, bytes }]);
  return Uint8Array.of((field << 3) | 2, 0);
}

/** Parses a `common.Metadata`; undefined when it or any of its signatures is malformed. */
export function decodeBlockMetadataEntry(bytes: Uint8Array): BlockMetadataEntry | undefined {
  const fields = decodeWire(bytes);
  if (fields === undefined) return undefined;
  const signatures: MetadataSignature[] = [];
  for (const raw of wireRepeated(fields, 2)) {
    const signature = decodeMetadataSignature(raw);
    if (signature === undefined) return undefined;
    signatures.push(signature);
  }
  return { value: wireBytes(fields, 1), signatures };
}

/**
 * SmartBFT's `ViewMetadata` (view_id = 1, latest_sequence = 2), the consenter metadata a Fabric
 * BFT orderer writes into each block. Only the fields derivable from the decision itself.
 */
export function encodeViewMetadata(view: number, sequence: number): Uint8Array {
  return encodeWire([{ field: 1, varint: view }, { field: 2, varint: sequence }]);
}

/**
 * The SIGNATURES metadata value every consenter signs: `common.OrdererBlockMetadata` with the last
 * config block index and the view metadata. Identical at every replica for a given decision.
 */
export function ordererBlockMetadataValue(lastConfigIndex: number, view: number, sequence: number): Uint8Array {
  const lastConfig = new common.LastConfig();
  lastConfig.setIndex(lastConfigIndex);
  const metadata = new common.OrdererBlockMetadata();
  metadata.setLastConfig(lastConfig);
  metadata.setConsenterMetadata(encodeViewMetadata(view, sequence));
  return metadata.serializeBinary();
}

/**
 * The message a block signature covers (Fabric `BlockSignatureVerifier`): metadata value ‖
 * identifier header (or signature header) ‖ ASN.1 header bytes.
 */
export function blockSignaturePayload(value: Uint8Array, header: Uint8Array, blockHeaderBytes: Uint8Array): Uint8Array {
  return new Uint8Array(Buffer.concat([value, header, blockHeaderBytes]));
}
