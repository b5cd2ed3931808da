import type { LoopSignal, MeasurementResult, SiteParameters } from '../core/index.js';

/** What the contracts need from a measurement: the core's {@link MeasurementResult}. */
export type SpeedResult = MeasurementResult;

/**
 * The LR speed algorithm as the contracts call it: pure, never throws. An interface (not a
 * direct import) so tests can run the contracts against a stub when they exercise ledger
 * behaviour rather than measurement.
 */
export interface SpeedAlgorithm {
  readonly version: string;
  measure(signal: LoopSignal, site: SiteParameters): SpeedResult;
}
