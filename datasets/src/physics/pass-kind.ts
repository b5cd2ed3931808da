/** What happens in one signed window. Every kind but `clean` is a hard case the LR must refuse. */
export type PassKind =
  | 'clean'
  | 'tailgating'
  | 'lane-change'
  | 'stop-between-loops'
  | 'stop-and-go'
  | 'merged-pair'
  | 'reverse'
  | 'empty'
  | 'clipped'
  | 'out-of-range';

/** Every hard {@link PassKind}, in a fixed order. */
export const HARD_PASS_KINDS: readonly PassKind[] = [
  'tailgating',
  'lane-change',
  'stop-between-loops',
  'stop-and-go',
  'merged-pair',
  'reverse',
  'empty',
  'clipped',
  'out-of-range',
];

/**
 * The rejection reasons a correct LR algorithm may give for each hard kind. A stop between the
 * loops is genuinely ambiguous: the A and B signatures are no longer time-shifted copies (low
 * correlation), the plateau during the stop can split into two detections (multiple
 * vehicles), the mean speed across the gap is often below 5 km/h (out of range), and from
 * `dlr1-speed/1.2.0` on the speed profile is seen not to be constant. A stop-and-go pass
 * (slowing to a crawl over the loops, then moving on) has a reference speed, but no constant
 * speed to measure: refused as not constant (or, when the shapes no longer match, as low
 * correlation; below 5 km/h as out of range). A merged pair is two vehicles so close that
 * their occupancies merge.
 */
export const EXPECTED_REASONS: Readonly<Record<PassKind, readonly string[]>> = {
  clean: [],
  tailgating: ['MULTIPLE_VEHICLES'],
  'lane-change': ['SINGLE_LOOP'],
  'stop-between-loops': ['LOW_CORRELATION', 'MULTIPLE_VEHICLES', 'SPEED_OUT_OF_RANGE', 'NON_CONSTANT_SPEED'],
  'stop-and-go': ['NON_CONSTANT_SPEED', 'LOW_CORRELATION', 'SPEED_OUT_OF_RANGE'],
  'merged-pair': ['MULTIPLE_VEHICLES'],
  reverse: ['REVERSE_DIRECTION'],
  empty: ['NO_VEHICLE'],
  clipped: ['CLIPPED'],
  'out-of-range': ['SPEED_OUT_OF_RANGE'],
};

/** The measurable speed range, km/h (DLR1 spec): outside it the LR must reject. */
export const MIN_SPEED_KMH = 5;
export const MAX_SPEED_KMH = 300;
