/**
 * JSON encoding of core values (envelopes, decisions, WAL records) for disk and the replica
 * links. Byte arrays travel as tagged base64 so that decoding restores `Uint8Array`s exactly;
 * the core re-checks every shape it receives, so decoding only has to be lossless, not strict.
 */
export function encodeValue(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value, (_key, v: unknown) => (isBytes(v) ? { $b: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') } : v)));
}

/** Inverse of {@link encodeValue}; throws `SyntaxError` on bytes that are not JSON. */
export function decodeValue(bytes: Uint8Array): unknown {
  return JSON.parse(new TextDecoder().decode(bytes), (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const tagged = v as Record<string, unknown>;
      const keys = Object.keys(tagged);
      if (keys.length === 1 && keys[0] === '$b' && typeof tagged.$b === 'string') return new Uint8Array(Buffer.from(tagged.$b, 'base64'));
    }
    return v;
  });
}

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}
