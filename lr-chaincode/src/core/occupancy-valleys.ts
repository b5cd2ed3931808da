/** An internal valley of an occupancy: a low point with a hump on each side. */
export interface OccupancyValley {
  /** Sample of the valley's lowest point. */
  readonly index: number;
  /** Residual at the valley, counts. */
  readonly level: number;
  /** The lower of the two neighbouring humps (highest residual on each side), counts. */
  readonly lowerHump: number;
  /** The higher of the two neighbouring humps, counts. */
  readonly higherHump: number;
  /** `level / lowerHump`: 1 means no valley, 0 means the signal reached the baseline. */
  readonly ratio: number;
}

/** What makes a valley "deep" for {@link findDeepValleys}. */
export interface ValleyCriteria {
  /** A hump lower than this (counts) is not a hump: noise on the feet does not make valleys. */
  readonly humpFloor: number;
  /** Deep when `level ≤ maxRatio × lowerHump` ... */
  readonly maxRatio: number;
  /** ... and the valley lies at least this many counts below the lower hump (noise guard). */
  readonly minDrop: number;
  /** Stop after this many valleys: bounds the cost on pathological signals. */
  readonly maxValleys: number;
}

/** Deepest valley in [from, to] relative to its lower neighbouring hump, or null. */
function deepestValley(r: Float64Array, from: number, to: number, humpFloor: number, suffix: Float64Array): OccupancyValley | null {
  if (to - from < 2) return null;
  let m = -Infinity;
  for (let k = to; k >= from; k--) {
    if (r[k]! > m) m = r[k]!;
    suffix[k] = m;
  }
  let left = -Infinity;
  let best: OccupancyValley | null = null;
  for (let k = from; k <= to; k++) {
    const v = r[k]!;
    if (v > left) left = v;
    const right = suffix[k]!;
    const lower = left < right ? left : right;
    const higher = left < right ? right : left;
    // A point that is itself the running maximum on a side is on a slope, not in a valley.
    if (lower < humpFloor || v >= lower) continue;
    const ratio = v / lower;
    if (best === null || ratio < best.ratio) best = { index: k, level: v, lowerHump: lower, higherHump: higher, ratio };
  }
  return best;
}

/**
 * Finds the deep internal valleys of one loop's residual between samples `from` and `to`
 * (inclusive), in time order: the places where the metal over the loop thinned out markedly
 * between two humps. Recursive splitting at the deepest valley, so each valley is measured
 * against the humps of its own stretch. Cost O(n × valleys), bounded by `maxValleys`.
 */
export function findDeepValleys(r: Float64Array, from: number, to: number, criteria: ValleyCriteria): OccupancyValley[] {
  const found: OccupancyValley[] = [];
  const lo = from < 0 ? 0 : from;
  const hi = to > r.length - 1 ? r.length - 1 : to;
  if (hi <= lo) return found;
  const suffix = new Float64Array(r.length);
  // Fixed-order work list (not recursion): deterministic and stack-safe.
  const pending: [number, number][] = [[lo, hi]];
  while (pending.length > 0 && found.length < criteria.maxValleys) {
    const [a, b] = pending.shift()!;
    const valley = deepestValley(r, a, b, criteria.humpFloor, suffix);
    if (valley === null) continue;
    if (valley.ratio > criteria.maxRatio || valley.lowerHump - valley.level < criteria.minDrop) continue;
    found.push(valley);
    pending.push([a, valley.index - 1], [valley.index + 1, b]);
  }
  return found.sort((x, y) => x.index - y.index);
}
