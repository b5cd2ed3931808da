/**
 * The small subset of ASN.1 DER that Fabric's byte formats need: Go's `encoding/asn1` output for
 * SEQUENCE, INTEGER (non-negative) and OCTET STRING, plus a strict reader for the same.
 */

function lengthBytes(length: number): number[] {
  if (length < 0x80) return [length];
  const out: number[] = [];
  let v = length;
  while (v > 0) {
    out.unshift(v & 0xff);
    v = Math.floor(v / 256);
  }
  return [0x80 | out.length, ...out];
}

function tlv(tag: number, content: Uint8Array): Uint8Array {
  const head = [tag, ...lengthBytes(content.byteLength)];
  const out = new Uint8Array(head.length + content.byteLength);
  out.set(head, 0);
  out.set(content, head.length);
  return out;
}

/** DER INTEGER of a non-negative value: minimal big-endian two's complement. */
export function derInteger(value: bigint): Uint8Array {
  if (value < 0n) throw new RangeError('negative DER integer');
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0]! & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, new Uint8Array(bytes));
}

/** DER OCTET STRING. */
export function derOctetString(bytes: Uint8Array): Uint8Array {
  return tlv(0x04, bytes);
}

/** DER SEQUENCE of already-encoded elements. */
export function derSequence(elements: readonly Uint8Array[]): Uint8Array {
  return tlv(0x30, new Uint8Array(Buffer.concat(elements)));
}

/** A decoded TLV element. */
export interface DerElement {
  readonly tag: number;
  readonly content: Uint8Array;
}

/** Reads consecutive DER elements; undefined on any malformation (including non-minimal lengths). */
export function readDerElements(bytes: Uint8Array): DerElement[] | undefined {
  const out: DerElement[] = [];
  let offset = 0;
  while (offset < bytes.byteLength) {
    if (offset + 2 > bytes.byteLength) return undefined;
    const tag = bytes[offset]!;
    let length = bytes[offset + 1]!;
    offset += 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count === 0 || count > 4 || offset + count > bytes.byteLength) return undefined;
      length = 0;
      for (let i = 0; i < count; i += 1) length = length * 256 + bytes[offset + i]!;
      if (length < 0x80 || bytes[offset] === 0) return undefined;
      offset += count;
    }
    if (offset + length > bytes.byteLength) return undefined;
    out.push({ tag, content: bytes.subarray(offset, offset + length) });
    offset += length;
  }
  return out;
}

/** The value of a DER INTEGER's content; undefined when negative or not minimal. */
export function derIntegerValue(content: Uint8Array): bigint | undefined {
  if (content.byteLength === 0 || (content[0]! & 0x80) !== 0) return undefined;
  if (content.byteLength > 1 && content[0] === 0 && (content[1]! & 0x80) === 0) return undefined;
  return BigInt(`0x${Buffer.from(content).toString('hex')}`);
}
