/** What {@link selectBatch} needs to know about a waiting reading. */
export interface Waiting {
  readonly key: string;
  readonly meterId: string;
}

/**
 * Picks the next transaction's readings in arrival order: at most `maxBatch`, none of a meter
 * that is in a transaction already (`busy`). Several readings of one meter may share a
 * transaction; one meter is never in two concurrent ones. Pure.
 */
export function selectBatch<T extends Waiting>(waiting: readonly T[], busy: ReadonlySet<string>, maxBatch: number): { chosen: T[]; rest: T[] } {
  const chosen: T[] = [];
  const rest: T[] = [];
  const seen = new Set<string>();
  for (const item of waiting) {
    if (chosen.length < maxBatch && !busy.has(item.meterId) && !seen.has(item.key)) {
      chosen.push(item);
      seen.add(item.key);
    } else {
      rest.push(item);
    }
  }
  return { chosen, rest };
}

/**
 * Splits a transaction's readings, in order, into runs of at most `maxBytes` raw bytes (a run
 * always holds at least one reading): the orderer refuses an envelope above its size limit
 * (3 MiB on the embedded network) and SubmitReadings carries the readings base64-encoded. Pure.
 */
export function chunkByBytes<T extends { readonly raw: Uint8Array }>(items: readonly T[], maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length > 0 && bytes + item.raw.length > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.raw.length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
