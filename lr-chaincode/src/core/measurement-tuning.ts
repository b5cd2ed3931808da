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
  strayFraction: 0.15,
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
  /** Longest plausible road vehicle (Brazilian road trains reach 30 m), metres. */
  maxVehicleLengthM: 32,
});

/** The tuning constants' type. */
export type MeasurementTuning = typeof MEASUREMENT_TUNING;
