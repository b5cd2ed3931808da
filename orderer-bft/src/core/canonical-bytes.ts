import { toHex } from './bytes.js';

/**
 * Deterministic byte encoding of protocol values, the input to signatures and digests.
 * Objects are encoded with sorted keys so that field order never matters, byte arrays as
 * tagged hex so they cannot be confused with strings.
 */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(encode(value));
}

function encode(value: unknown): string {
  if (value instanceof Uint8Array) return `{"$b":"${toHex(value)}"}`;
  if (Array.isArray(value)) return `[${value.map(encode).join(',')}]`;
  switch (typeof value) {
    case 'number':
      // Non-integers and non-finite numbers have no stable meaning in the protocol.
      return Number.isSafeInteger(value) ? String(value) : 'null';
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${encode(record[k])}`).join(',')}}`;
    }
    default:
      return 'null';
  }
}
