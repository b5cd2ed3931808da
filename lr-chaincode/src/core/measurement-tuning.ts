/**
 * Every threshold of the speed algorithm in one place. They are part of the legally relevant
 * algorithm: changing any of them changes {@link LR_ALGORITHM_VERSION}'s meaning, so bump it.
 *
 * Thresholds are either noise-relative (multiples of the smoothed noise sigma) or
 * amplitude-relative (fractions of a loop's own peak), never absolute counts: baseline level,
 * detector gain and noise all vary from site to site.
 */
export const MEASUREMENT_TUNING = Object.freeze({
  /** Seconds of the window's head and tail used to estimate baseline and noise. */
  baselineSeconds: 0.1,
  /** Fewest samples in a baseline block. */
  baselineMinSamples: 8,
  /** Half-width of the centred moving average, in samples per 1000 Hz (so ~2.5 ms). */
  smoothingHalfWidthPerKhz: 2,
  /** A loop saw something when its smoothed peak exceeds this many noise sigmas. */
  presenceSigmas: 12,
  /** Occupancy starts above max(onSigmas·σ, onFraction·peak) ... */
  onSigmas: 8,
  onFraction: 0.3,
  /** ... and ends below max(offSigmas·σ, offFraction·peak). */
  offSigmas: 4,
  offFraction: 0.1,
  /** A segment's foot (where the signal leaves baseline): max(footSigmas·σ, footFraction·peak). */
  footSigmas: 2.5,
  footFraction: 0.03,
  /** Outside every occupancy, a bump above max(straySigmas·σ, strayFraction·peak) is a second object. */
  straySigmas: 10,
  /**
   * A body detached from the occupancy (signal back at baseline in between) is a second object
   * once it reaches 5 % of the peak: a motorcycle behind a truck is that weak, while nothing of
   * one vehicle is detached from it. Twice the foot level, so a slow vehicle's own fringe tail
   * (just under the foot level, plus noise) does not count; ten noise sigmas bound it from below.
   */
  strayFraction: 0.06,
  /** Loop peaks of one vehicle differ by gain only; a larger ratio means a partial (lane-change) pass. */
  maxPeakRatio: 2.5,
  /** Metres of travel after the foot that make up the "front" (and "rear") edge window, beyond loop length. */
  edgeWindowExtraM: 0.6,
  /** Fractions of the edge level at which edge crossings are timed. */
  edgeLevelLow: 0.2,
  edgeLevelHigh: 0.8,
  edgeLevelCount: 13,
  /** Warped A→B shape similarity below this is not one vehicle at a sound speed. */
  minCorrelation: 0.9,
  /** Largest mean acceleration (m/s²) between front and rear shift that still counts as steady. */
  maxAccelerationMs2: 3,
  /** The whole-signal front shift and the leading-edge shift must agree within samples + fraction. */
  edgeAgreementSamples: 0.5,
  edgeAgreementFraction: 0.04,
  /** Relative slack on the front/rear speed comparison for timing noise. */
  speedConsistencySlack: 0.04,
  /** Reference speed range, km/h (spec). */
  minSpeedKmh: 5,
  maxSpeedKmh: 300,
  /**
   * Merged occupancies (two vehicles whose signals dip between them without reaching "off").
   * A hump counts from max(valleyHumpSigmas·σ, valleyHumpFraction·peak) ...
   */
  valleyHumpSigmas: 12,
  valleyHumpFraction: 0.04,
  /**
   * ... and a valley is deep when it falls to valleyMaxRatio of its lower neighbouring hump and
   * at least valleyMinDropSigmas·σ below it. Single rigid vehicles stay above ~0.85 (bodies
   * and chassis are continuous metal); a trailer coupling or the gap between two vehicles,
   * shorter than the loop, dips to 0.1–0.55.
   */
  valleyMaxRatio: 0.7,
  valleyMinDropSigmas: 8,
  /** Valleys analysed per loop at most (cost bound). */
  valleyMaxCount: 4,
  /** A valley closer than this (m) to either edge is edge texture: no vehicle is that short. */
  minPieceM: 1.0,
  /**
   * An occupancy with a deep valley is one articulated vehicle only if it is at least this long
   * (m): two vehicles of up to ~7 m with a short gap stay below, a truck with trailer (≥ 15 m)
   * does not.
   */
  mergedMaxLengthM: 14,
  /** Shortest tractor ahead of a coupling gap (m, tractor units are ≥ 5.5 m plus half the gap). */
  minTractorM: 5,
  /**
   * Longest towing unit ahead of a coupling gap (m): tractors and rigid trucks that pull
   * trailers; a longer part ahead of a gap is a rigid vehicle of its own (a bus) with another behind.
   */
  maxTractorM: 11,
  /** Shortest part behind a coupling gap (m, trailers are ≥ 7 m; followers ≤ 6.5 m). */
  minTrailerM: 6.5,
  /**
   * Tractor and trailer chassis ride at the same height over the loop, so their humps are
   * comparable; a hump next to a gap under this fraction of the hump on the other side is a
   * different kind of body (a bus's high floor behind a car).
   */
  minHumpBalance: 0.5,
  /** Longest plausible road vehicle (Brazilian road trains reach 30 m), metres. */
  maxVehicleLengthM: 32,
});

/** The tuning constants' type. */
export type MeasurementTuning = typeof MEASUREMENT_TUNING;

/**
 * Thresholds added by `dlr1-speed/1.2.0` (the 1.1.0 ones above are unchanged, so 1.1.0
 * re-executes bit-identically).
 */
export const PROFILE_TUNING = Object.freeze({
  /** Lag search of a local shift: ± this fraction of the whole-pass shift. */
  profileSearchFraction: 0.35,
  /** Probe offset (fraction of the shift) and the least correlation drop there for a defined local shift. */
  profileProbeFraction: 0.03,
  profileMinSharpness: 0.003,
  /** Occupancy durations on A and B may differ by this fraction beyond the measured speed change. */
  profileMaxDurationMismatch: 0.08,
  /** Timing slack of a local shift, samples. */
  profileSlackSamples: 1,
  /** Middle-third speed off the uniform-acceleration line by at most this fraction of the mean speed. */
  profileMaxCurvature: 0.06,
  /** Front-third to rear-third speed change at most this fraction of the mean speed. */
  profileMaxChange: 0.3,
  /**
   * Where each loop's signal first leaves the baseline (the foot) must be as far apart in time
   * as the front edges, within this travel (m) plus `profileFootSlackSamples`: at a steady speed
   * the two feet differ only by the loops' field reach (0.2–0.5 m past the wires, so ≤ 0.3 m
   * apart) and foot-level noise (≤ 0.15 m beyond two samples on the datasets corpora). A stop
   * with the front in a loop's fringe (its toe) adds the stop's whole travel-equivalent, v × t.
   */
  profileFootAgreementM: 0.45,
  /**
   * An edge window spans the same travel on both loops (loop length + 0.6 m), so at a steady
   * speed what the edge rises to, as a fraction of each loop's own peak, is the same on A and B
   * up to the loops' field reach and noise (0.91–1.08 on the datasets corpora). A stop with the
   * front (rear) part-way over one loop cuts that loop's edge short: its level falls to a
   * fraction. At most this ratio either way.
   */
  profileEdgeLevelRatio: 1.25,
  profileFootSlackSamples: 2,
  /** Travel (m) ahead of the foot from which the density is reconstructed. */
  densityLeadM: 0.6,
  /** Half-length of travel (m) over which the signal's slope is taken for the density. */
  densitySlopeHalfM: 0.1,
  /**
   * Largest travel per sample (m) at which the density is reconstructed: half the narrowest
   * fringe blur (2 × 0.2 m). Coarser (100 Hz above 72 km/h), 1.1.0's raw-valley test decides.
   */
  densityMaxTravelPerSampleM: 0.2,
  /** Grid step of the density along the vehicle, metres (a tenth of the shortest fringe span). */
  densityStepM: 0.05,
  /**
   * A loop's effective magnetic length is searched from the surveyed length less this slack
   * (survey error) up to the surveyed length plus `densityLengthSearchM` (the field reaching
   * past the wires: up to twice a 0.5 m fringe).
   */
  densityLengthSlackM: 0.1,
  densityLengthSearchM: 1.0,
  /** Most grid points of a density profile (cost bound: 32 m of vehicle plus margins is ~800). */
  densityMaxPoints: 1500,
  /** Half-length (m) of the moving average over the density before gaps are looked for. */
  gapSmoothHalfM: 0.1,
  /** The body is where the density exceeds this fraction of its peak; shoulders must reach it too. */
  bodyFraction: 0.05,
  /** How far (m) ahead and behind a point its neighbouring body levels are looked for. */
  gapShoulderM: 2.0,
  /**
   * Air between two vehicles: density under this fraction of the lower neighbouring body level.
   * A 0.3 m gap blurred by a 0.5 m fringe (the widest) leaves ≈ 44 % of it.
   */
  gapRatio: 0.45,
  /** ... and under this fraction of the body's median (a bus floor between axle groups stays above). */
  gapOfMedian: 0.55,
  /** A gap closer than this (m) to either end of the body is edge texture: no vehicle is that short. */
  minGapPieceM: 1.2,
  /** The gap must be at the same point of the vehicle on both loops, within this many metres. */
  gapAgreementM: 0.3,
  /**
   * A body beside a gap must alone give each loop at least this fraction of the pass's peak
   * (and `onSigmas` noise sigmas): a motorcycle behind a truck gives ~5 %, the reconstruction's
   * noise past a vehicle's end far less.
   */
  minBodyPeakFraction: 0.03,
  /**
   * Shortest towing unit ahead of a single coupling gap, measured on the density from the
   * body's start to the gap's middle (m): tractor units are ≥ 5.5 m, plus half the gap. 1.1.0's
   * 5 m allowed for its coarser raw-valley timing; a car (≤ 4.9 m) ahead of a bus is not one.
   */
  minTractorPieceM: 5.5,
  /**
   * A reconstructed density below −this × the median is a model error (the loop's edges do not
   * respond alike, or the position mapping is off): the reconstruction is not used.
   */
  densityTrustFraction: 0.3,
});
