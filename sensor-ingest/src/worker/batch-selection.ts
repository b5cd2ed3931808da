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

