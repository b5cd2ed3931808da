import { encodeSignedDlr1 } from '../dlr1/dlr1-encode.js';
import type { SimulatedMeter } from '../fleet/fleet.js';
import { HARD_PASS_KINDS, type PassKind } from '../physics/pass-kind.js';
import { planPass, type PassScenario } from '../physics/pass-scenario.js';
import { renderPass } from '../physics/render-pass.js';
import type { VehicleClass } from '../physics/vehicle.js';
import { createRng, type Rng } from '../random/rng.js';
import { sampleTrafficSpeed, sampleVehicleClass } from '../traffic/vehicle-mix.js';
import { readingFileName, type GeneratedReading } from './manifest-entry.js';

/** How passes are drawn. */
export interface PassPolicy {
  readonly seed: number;
  /** Probability that a pass is a hard case. */
  readonly hardShare: number;
  readonly speedRangeKmh?: readonly [number, number];
  readonly classes?: readonly VehicleClass[];
  /** Hard kinds allowed (all when absent). */
  readonly kinds?: readonly PassKind[];
  readonly sampleRateHz: number;
}

/** A pass planned for an arrival: cheap to compute, fully determines the reading but seq/t0. */
export interface PlannedReading {
  readonly meter: SimulatedMeter;
  /** Identifies the arrival within the meter's traffic; keys every random draw of the pass. */
  readonly arrivalKey: number;
  readonly scenario: PassScenario;
  /** Seconds from sample 0 to the arrival (front at the first loop's leading edge). */
  readonly leadS: number;
}

/** Kinds a window can hold at this rate: a stop of seconds needs a window of seconds. */
function feasibleHardKinds(sampleRateHz: number): readonly PassKind[] {
  const maxWindowS = 32_768 / sampleRateHz;
  return maxWindowS >= 8 ? HARD_PASS_KINDS : HARD_PASS_KINDS.filter((k) => k !== 'stop-between-loops' && k !== 'stop-and-go');
}

function drawKind(rng: Rng, policy: PassPolicy): PassKind {
  if (!rng.chance(policy.hardShare)) return 'clean';
  const feasible = feasibleHardKinds(policy.sampleRateHz);
  const wanted = policy.kinds ? feasible.filter((k) => policy.kinds!.includes(k)) : feasible;
  const kinds = wanted.length > 0 ? wanted : feasible;
  return kinds[rng.int(0, kinds.length - 1)]!;
}

/** Plans the pass of one arrival at `arrivalS` (seconds since local midnight). Pure. */
export function planReading(meter: SimulatedMeter, arrivalKey: number, arrivalS: number, policy: PassPolicy): PlannedReading {
  const rng = createRng(policy.seed, 'pass', meter.registered.meterId, arrivalKey);
  const kind = drawKind(rng, policy);
  const vehicleClass = sampleVehicleClass(rng, policy.classes);
  const secondClass = sampleVehicleClass(rng, policy.classes);
  const range = policy.speedRangeKmh;
  const speedKmh = range ? rng.uniform(range[0], range[1]) : sampleTrafficSpeed(rng, meter.registered.site.speedLimitKmh, vehicleClass, arrivalS);
  const scenario = planPass({ kind, vehicleClass, secondClass, speedKmh, sampleRateHz: policy.sampleRateHz }, meter.physics, rng);
  const t = scenario.truth;
  const leadS = t.tAFrontS ?? t.tBFrontS ?? scenario.n / scenario.sampleRateHz / 2;
  return { meter, arrivalKey, scenario, leadS };
}

/** Renders, lays out and signs a planned reading. */
export function renderReading(planned: PlannedReading, policy: PassPolicy, seq: number, t0Us: bigint): GeneratedReading {
  const { meter, scenario } = planned;
  const meterId = meter.registered.meterId;
  const rng = createRng(policy.seed, 'render', meterId, planned.arrivalKey);
  const { loopA, loopB } = renderPass(meter.physics, scenario, rng);
  const bytes = encodeSignedDlr1({ meterId, seq: BigInt(seq), t0Us, sampleRateHz: scenario.sampleRateHz, loopA, loopB }, meter.signer);
  const fileName = readingFileName(meterId, seq);
  const t = scenario.truth;
  return {
    fileName,
    bytes,
    truth: {
      file: `readings/${fileName}`,
      meterId,
      seq,
      t0Us: t0Us.toString(),
      kind: t.kind,
      vehicleClass: t.vehicleClass,
      referenceSpeedKmh: t.referenceSpeedKmh,
      vehicleLengthM: t.vehicleLengthM,
      expected: t.expected,
      expectedReasons: [...t.expectedReasons],
      tAFrontS: t.tAFrontS,
      tBFrontS: t.tBFrontS,
    },
  };
}
