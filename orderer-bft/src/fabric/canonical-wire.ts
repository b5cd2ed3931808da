/**
 * Exact recognisers for the canonical protobuf serialisation of the two messages every backup
 * checks for each proposal: `common.BlockData` and `common.Envelope`. They accept precisely the
 * byte strings `parseCanonical` accepts (google-protobuf parse + re-serialise + compare), but
 * without building messages or re-serialising a megabyte of block data per proposal.
 */

/** A length prefix: its value and where the field's bytes start; undefined unless minimal and in range. */
function readLength(bytes: Uint8Array, offset: number): { readonly length: number; readonly start: number } | undefined {
  let length = 0;
  for (let i = 0; i < 5; i += 1) {
    const at = offset + i;
    if (at >= bytes.byteLength) return undefined;
    const byte = bytes[at]!;
    length += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      // A trailing zero group is a non-minimal encoding, which the serialiser never writes.
      if (i > 0 && byte === 0) return undefined;
      const start = at + 1;
      return start + length <= bytes.byteLength ? { length, start } : undefined;
    }
  }
  return undefined;
}

/**
 * The entries of a canonical `common.BlockData` (`repeated bytes data = 1`, each written as
 * tag 0x0a, minimal length, bytes), as views into `bytes`; undefined for anything else.
 */
export function canonicalBlockDataEntries(bytes: Uint8Array): Uint8Array[] | undefined {
  const entries: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.byteLength) {
    if (bytes[offset] !== 0x0a) return undefined;
    const field = readLength(bytes, offset + 1);
    if (field === undefined) return undefined;
    entries.push(bytes.subarray(field.start, field.start + field.length));
    offset = field.start + field.length;
  }
  return entries;
}

/**
 * True iff `bytes` is a canonical `common.Envelope` with a non-empty payload and signature:
 * exactly tag 0x0a, payload, tag 0x12, signature (proto3 omits empty fields, so both present
 * fixes the layout).
 */
export function isCanonicalSignedEnvelope(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0x0a) return false;
  const payload = readLength(bytes, 1);
  if (payload === undefined || payload.length === 0) return false;
  const tag = payload.start + payload.length;
  if (bytes[tag] !== 0x12) return false;
  const signature = readLength(bytes, tag + 1);
  return signature !== undefined && signature.length > 0 && signature.start + signature.length === bytes.byteLength;
}
