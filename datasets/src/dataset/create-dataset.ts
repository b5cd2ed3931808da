import type { MeterSigner } from '../dlr1/meter-signer.js';
import { createFleet, type Fleet, type SimulatedMeter } from '../fleet/fleet.js';
import { createRng } from '../random/rng.js';
import { ArrivalProcess } from '../traffic/arrival-process.js';
import { SECONDS_PER_DAY, expectedDailyVolume } from '../traffic/day-profile.js';
import { saoPauloMidnightUtcUs } from '../traffic/sao-paulo-time.js';
import { DEFAULT_DAY, DEFAULT_SAMPLE_RATE_HZ, DatasetOptionsError, HARD_SHARE, validateDatasetOptions, type DatasetOptions } from './dataset-options.js';
import type { GeneratedReading } from './manifest-entry.js';
import { planReading, renderReading, type PassPolicy } from './reading-factory.js';

/** A generated dataset: the fleet, the meters' signers, and a lazy sequence of readings. */
export interface Dataset {
  fleet: Fleet;
  signers: Map<string, MeterSigner>;
  /** Readings in t0 order across meters; each call starts again and yields the same readings. */
  readings(): Generator<GeneratedReading>;
}

interface Slot {
  readonly meterIndex: number;
  readonly arrivalKey: number;
  readonly arrivalS: number;
  readonly seq: number;
  readonly t0Us: bigint;
}

/** Arrival times of one meter covering at least `wanted` vehicles (whole days from midnight). */
function meterArrivals(seed: number, meterId: string, wanted: number): number[] {
  const days = Math.max(1, Math.ceil(wanted / (0.9 * expectedDailyVolume())));
  const process = new ArrivalProcess(createRng(seed, 'arrivals', meterId), 0);
  const times: number[] = [];
  for (let t = process.next(); t < days * SECONDS_PER_DAY || times.length < wanted; t = process.next()) times.push(t);
  return times;
}

/** Picks `k` of `total` indices uniformly, in increasing order (selection sampling). */
function selectIndices(seed: number, meterId: string, k: number, total: number): number[] {
  const rng = createRng(seed, 'select', meterId);
  const out: number[] = [];
  for (let i = 0; i < total && out.length < k; i++) {
    if (rng.next() * (total - i) < k - out.length) out.push(i);
  }
  return out;
}

function planSlots(options: DatasetOptions, meters: readonly SimulatedMeter[], policy: PassPolicy, dayStartUs: bigint): Slot[] {
  const slots: Slot[] = [];
  const per = Math.floor(options.readings / meters.length);
  const extra = options.readings % meters.length;
  meters.forEach((meter, meterIndex) => {
    const k = per + (meterIndex < extra ? 1 : 0);
    if (k === 0) return;
    const meterId = meter.registered.meterId;
    const arrivals = meterArrivals(options.seed, meterId, k);
    let previous = -1n << 62n;
    let seq = 0;
    for (const index of selectIndices(options.seed, meterId, k, arrivals.length)) {
      const arrivalS = arrivals[index]!;
      const planned = planReading(meter, index, arrivalS, policy);
      let t0Us = dayStartUs + BigInt(Math.round((arrivalS - planned.leadS) * 1e6));
      // A window never starts before the previous one did: seq must increase with time.
      if (t0Us <= previous) t0Us = previous + 1n;
      previous = t0Us;
      slots.push({ meterIndex, arrivalKey: index, arrivalS, seq: ++seq, t0Us });
    }
  });
  slots.sort((a, b) => (a.t0Us < b.t0Us ? -1 : a.t0Us > b.t0Us ? 1 : a.meterIndex - b.meterIndex));
  return slots;
}

/**
 * Builds a dataset: `options.meters` meters and `options.readings` readings in total, spread
 * over the meters and drawn along one São Paulo traffic day, so busy hours dominate. Per meter,
 * seq runs 1, 2, … in time order. Deterministic in the seed except the ECDSA signatures.
 * Throws {@link DatasetOptionsError} for bad options.
 */
export function createDataset(options: DatasetOptions): Dataset {
  validateDatasetOptions(options);
  let dayStartUs: bigint;
  try {
    dayStartUs = saoPauloMidnightUtcUs(options.day ?? DEFAULT_DAY);
  } catch (cause) {
    throw new DatasetOptionsError('BAD_DAY', (cause as Error).message, 'day');
  }
  const sampleRateHz = options.sampleRateHz ?? DEFAULT_SAMPLE_RATE_HZ;
  const { fleet, meters } = createFleet(options.seed, options.meters, sampleRateHz);
  const policy: PassPolicy = {
    seed: options.seed,
    hardShare: HARD_SHARE[options.mix ?? 'default'],
    speedRangeKmh: options.speedRangeKmh,
    classes: options.classes,
    kinds: options.kinds,
    sampleRateHz,
  };
  const slots = planSlots(options, meters, policy, dayStartUs);
  return {
    fleet,
    signers: new Map(meters.map((m) => [m.registered.meterId, m.signer])),
    *readings() {
      for (const slot of slots) {
        const meter = meters[slot.meterIndex]!;
        const planned = planReading(meter, slot.arrivalKey, slot.arrivalS, policy);
        yield renderReading(planned, policy, slot.seq, slot.t0Us);
      }
    },
  };
}
