/** Compares keys as UTF-8 byte strings, the order of Fabric's LevelDB state (not UTF-16 order). */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Whether `key` lies in [start, end), an empty `end` meaning unbounded (or [start, end] when `includeEnd`). */
export function inRange(key: string, start: string, end: string, includeEnd = false): boolean {
  if (compareKeys(key, start) < 0) return false;
  if (end === '') return true;
  const c = compareKeys(key, end);
  return includeEnd ? c <= 0 : c < 0;
}
