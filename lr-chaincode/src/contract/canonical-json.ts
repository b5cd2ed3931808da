/**
 * Canonical JSON: object keys sorted by UTF-16 code unit order, no whitespace, and only safe
 * integers as numbers. Every endorser must produce byte-identical world-state values and events,
 * so anything whose printing could differ (floats, -0, NaN, bigint, undefined inside arrays) is
 * refused instead of silently serialised.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

/** {@link canonicalJson} as UTF-8 bytes, the form written to the ledger. */
export function canonicalJsonBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) {
        throw new TypeError(`canonical JSON allows only safe integers; ${path} is ${value}`);
      }
      return String(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item, i) => write(item, `${path}[${i}]`)).join(',')}]`;
      const entries = Object.keys(value as object)
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${write((value as Record<string, unknown>)[key], `${path}.${key}`)}`);
      return `{${entries.join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON cannot represent ${typeof value} at ${path}`);
  }
}
