/**
 * Binary encoding of core values (envelopes, decisions, WAL records) for disk and the replica
 * links: the value's JSON with every byte array replaced by a reference `{"$b": i}`, followed by
 * the raw byte arrays. Proposals carry megabytes of envelopes, so keeping bytes out of the JSON
 * (no base64, no giant strings) is what makes encoding cheap. Layout:
 * `u32 jsonLength ‖ json ‖ (u32 length ‖ bytes)*`. The core re-checks every shape it receives,
 * so decoding only has to be lossless, not strict.
 */
export function encodeValue(value: unknown): Uint8Array {
  const segments: Uint8Array[] = [];
  const json = JSON.stringify(value, function replacer(this: Record<string, unknown>, key: string, v: unknown) {
    // `this[key]` is the value before toJSON (a Buffer would otherwise arrive as {type, data}).
    const original = this[key];
    if (original instanceof Uint8Array) {
      segments.push(original);
      return { $b: segments.length - 1 };
    }
    return v;
  });
  const jsonBytes = Buffer.from(json, 'utf8');
  const total = 4 + jsonBytes.byteLength + segments.reduce((sum, s) => sum + 4 + s.byteLength, 0);
  const out = Buffer.allocUnsafe(total);
  out.writeUInt32BE(jsonBytes.byteLength, 0);
  jsonBytes.copy(out, 4);
  let offset = 4 + jsonBytes.byteLength;
  for (const segment of segments) {
    out.writeUInt32BE(segment.byteLength, offset);
    out.set(segment, offset + 4);
    offset += 4 + segment.byteLength;
  }
  return out;
}

/**
 * Inverse of {@link encodeValue}. Byte arrays are views into `bytes` (no copy). Throws
 * `SyntaxError` or `RangeError` on bytes that are not such an encoding.
 */
export function decodeValue(bytes: Uint8Array): unknown {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = buffer.readUInt32BE(0);
  if (4 + jsonLength > buffer.byteLength) throw new RangeError('encoded value truncated');
  const segments: Uint8Array[] = [];
  let offset = 4 + jsonLength;
  while (offset < buffer.byteLength) {
    const length = buffer.readUInt32BE(offset);
    if (offset + 4 + length > buffer.byteLength) throw new RangeError('encoded value truncated');
    segments.push(new Uint8Array(buffer.buffer, buffer.byteOffset + offset + 4, length));
    offset += 4 + length;
  }
  return JSON.parse(buffer.toString('utf8', 4, 4 + jsonLength), (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const ref = (v as Record<string, unknown>).$b;
      if (typeof ref === 'number' && Object.keys(v).length === 1) {
        const segment = segments[ref];
        if (segment === undefined) throw new RangeError(`byte segment ${ref} missing`);
        return segment;
      }
    }
    return v;
  });
}
