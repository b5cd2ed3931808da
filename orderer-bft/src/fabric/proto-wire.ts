/**
 * A minimal protobuf wire-format codec for the few Fabric 3 messages that
 * `@hyperledger/fabric-protos@0.3.7` predates (`IdentifierHeader`, `MetadataSignature.identifier_header`,
 * `Consenter`, `Orderers`, SmartBFT `Options`). Only varint and length-delimited fields are needed.
 * Encoding follows protobuf's canonical rules (ascending field numbers, proto3 defaults omitted) so
 * the bytes equal what Go's `proto.Marshal` produces for the same message.
 */

/** One decoded field: varints as bigint, length-delimited fields as bytes. */
export type WireField =
  | { readonly field: number; readonly kind: 'varint'; readonly value: bigint }
  | { readonly field: number; readonly kind: 'bytes'; readonly value: Uint8Array };

/** A field to encode; zero / empty values are omitted as proto3 does. */
export type WireValue =
  | { readonly field: number; readonly varint: bigint | number }
  | { readonly field: number; readonly bytes: Uint8Array | string };

function varint(value: bigint): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

/** Encodes fields in the order given (callers list them by ascending field number). */
export function encodeWire(values: readonly WireValue[]): Uint8Array {
  const parts: number[] = [];
  for (const value of values) {
    if ('varint' in value) {
      const v = BigInt(value.varint);
      if (v < 0n) throw new RangeError(`negative varint in field ${value.field}`);
      if (v === 0n) continue;
      parts.push(...varint(BigInt(value.field << 3)), ...varint(v));
    } else {
      const bytes = typeof value.bytes === 'string' ? new TextEncoder().encode(value.bytes) : value.bytes;
      if (bytes.byteLength === 0) continue;
      parts.push(...varint(BigInt((value.field << 3) | 2)), ...varint(BigInt(bytes.byteLength)));
      for (const b of bytes) parts.push(b);
    }
  }
  return Uint8Array.from(parts);
}

/** Decodes a message into its fields; undefined when the bytes are not valid wire format. */
export function decodeWire(bytes: Uint8Array): WireField[] | undefined {
  const fields: WireField[] = [];
  let offset = 0;
  const readVarint = (): bigint | undefined => {
    let result = 0n;
    let shift = 0n;
    while (offset < bytes.byteLength && shift < 70n) {
      const byte = bytes[offset++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
    return undefined;
  };
  while (offset < bytes.byteLength) {
    const key = readVarint();
    if (key === undefined) return undefined;
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (field === 0) return undefined;
    if (wireType === 0) {
      const value = readVarint();
      if (value === undefined) return undefined;
      fields.push({ field, kind: 'varint', value });
    } else if (wireType === 2) {
      const length = readVarint();
      if (length === undefined || BigInt(offset) + length > BigInt(bytes.byteLength)) return undefined;
      fields.push({ field, kind: 'bytes', value: bytes.subarray(offset, offset + Number(length)) });
      offset += Number(length);
    } else if (wireType === 5 || wireType === 1) {
      const width = wireType === 5 ? 4 : 8;
      if (offset + width > bytes.byteLength) return undefined;
      offset += width;
    } else {
      return undefined;
    }
  }
  return fields;
}

/** The last bytes value of `field` (protobuf's last-one-wins rule), or empty. */
export function wireBytes(fields: readonly WireField[], field: number): Uint8Array {
  let out: Uint8Array = new Uint8Array(0);
  for (const f of fields) if (f.field === field && f.kind === 'bytes') out = f.value;
  return out;
}

/** Every bytes value of a repeated `field`, in order. */
export function wireRepeated(fields: readonly WireField[], field: number): Uint8Array[] {
  return fields.filter((f): f is Extract<WireField, { kind: 'bytes' }> => f.field === field && f.kind === 'bytes').map((f) => f.value);
}

/** The last varint value of `field`, or 0. */
export function wireVarint(fields: readonly WireField[], field: number): bigint {
  let out = 0n;
  for (const f of fields) if (f.field === field && f.kind === 'varint') out = f.value;
  return out;
}
