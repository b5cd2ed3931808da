import { HARD_SHARE, DEFAULT_SAMPLE_RATE_HZ, DatasetOptionsError, type DatasetOptions } from '../dataset/dataset-options.js';
import type { GeneratedReading } from '../dataset/manifest-entry.js';
import { planReading, renderReading, type PassPolicy } from '../dataset/reading-factory.js';
import type { MeterSigner } from '../dlr1/meter-signer.js';
import { createFleet, type Fleet, type SimulatedMeter } from '../fleet/fleet.js';
import { createRng } from '../random/rng.js';
import { ArrivalProcess } from '../traffic/arrival-process.js';
import { SAO_PAULO_UTC_OFFSET_HOURS } from '../traffic/sao-paulo-time.js';
import { MinHeap } from './min-heap.js';

/** Options of {@link createReadingStream}. Time is injected: tests pass a fake clock. */
export interface ReadingStreamOptions {
  /** Number of meters (e.g. 1000). */
  meters: number;
  seed: number;
  /** Simulated seconds per wall-clock second; `Infinity` produces as fast as possible. */
  speedup: number;
  /** Simulated Unix time (ms) at which the stream starts; default `clock()` at creation. */
  startTime?: number;
  /** Wall clock in ms. Required with a finite speedup unless the real clock is wanted. */
  clock?: () => number;
  /** Resolves after `ms` wall-clock milliseconds. */
  sleep?: (ms: number) => Promise<void>;
  mix?: DatasetOptions['mix'];
  sampleRateHz?: number;
  /**
   * Sequence number of each meter's first reading (default 1). A feeder run again against the
   * same ledger starts above the last run's numbers, as a real meter's counter survives a reboot.
   */
  firstSeq?: number;
}

/** A live feed of signed readings from a simulated fleet, in arrival order across meters. */
export interface ReadingStream extends AsyncIterable<GeneratedReading> {
  readonly fleet: Fleet;
  readonly signers: Map<string, MeterSigner>;
  /** Readings produced so far. */
  readonly produced: number;
}

interface MeterState {
  key: number;
  readonly meter: SimulatedMeter;
  readonly arrivals: ArrivalProcess;
  arrivalIndex: number;
  seq: number;
  lastT0Us: bigint;
}

const MS_PER_DAY = 86_400_000;

/**
 * Streams readings along São Paulo traffic days — every meter follows the day profile from
 * `startTime` on, indefinitely — paced so that a reading is released when its window closes in
 * simulated time. With `speedup` 1 that is real time (≈ 760 readings/s for 1000 meters at
 * rush hour). Same seed, same start ⇒ same readings (signatures aside).
 */
export function createReadingStream(options: ReadingStreamOptions): ReadingStream {
  if (!(options.speedup > 0)) throw new DatasetOptionsError('BAD_SPEEDUP', `speedup must be > 0, got ${options.speedup}`, 'speedup');
  const finite = Number.isFinite(options.speedup);
  if (finite && (!options.clock || !options.sleep)) {
    throw new DatasetOptionsError('BAD_CLOCK', 'a finite speedup needs clock and sleep (see runtime/real-clock)', 'clock');
  }
  const firstSeq = options.firstSeq ?? 1;
  if (!Number.isSafeInteger(firstSeq) || firstSeq < 1) throw new DatasetOptionsError('BAD_SEQ', `firstSeq must be a positive safe integer, got ${firstSeq}`, 'firstSeq');
  const clock = options.clock ?? (() => 0);
  const sleep = options.sleep ?? (async () => undefined);
  const sampleRateHz = options.sampleRateHz ?? DEFAULT_SAMPLE_RATE_HZ;
  const { fleet, meters } = createFleet(options.seed, options.meters, sampleRateHz);
  const policy: PassPolicy = { seed: options.seed, hardShare: HARD_SHARE[options.mix ?? 'default'], sampleRateHz };

  const wallStart = clock();
  const simStartMs = options.startTime ?? wallStart;
  // Local (São Paulo) midnight before the start: arrival times count seconds from it.
  const localMs = simStartMs + SAO_PAULO_UTC_OFFSET_HOURS * 3_600_000;
  const midnightMs = Math.floor(localMs / MS_PER_DAY) * MS_PER_DAY - SAO_PAULO_UTC_OFFSET_HOURS * 3_600_000;
  const midnightUs = BigInt(midnightMs) * 1000n;
  const startS = (simStartMs - midnightMs) / 1000;

  const heap = new MinHeap<MeterState>();
  for (const meter of meters) {
    const arrivals = new ArrivalProcess(createRng(options.seed, 'stream-arrivals', meter.registered.meterId, simStartMs), startS);
    heap.push({ key: arrivals.next(), meter, arrivals, arrivalIndex: 0, seq: firstSeq - 1, lastT0Us: -1n << 62n });
  }

  interface Pending {
    readonly key: number;
    readonly planned: ReturnType<typeof planReading>;
    readonly seq: number;
    readonly t0Us: bigint;
  }
  // Planned readings wait here until their window closes: a long window (a stop between the
  // loops) must not hold back other meters' readings.
  const pending = new MinHeap<Pending>();
  const lastDue = new Map<MeterState, number>();

  const planNext = (): void => {
    const state = heap.pop()!;
    const arrivalS = state.key;
    const planned = planReading(state.meter, state.arrivalIndex, arrivalS, policy);
    let t0Us = midnightUs + BigInt(Math.round((arrivalS - planned.leadS) * 1e6));
    if (t0Us <= state.lastT0Us) t0Us = state.lastT0Us + 1n;
    state.lastT0Us = t0Us;
    state.seq += 1;
    state.arrivalIndex += 1;
    state.key = state.arrivals.next();
    heap.push(state);
    // Seconds since midnight when the window closes; a meter sends its readings in seq order.
    const windowEndS = Number(t0Us - midnightUs) / 1e6 + planned.scenario.n / sampleRateHz;
    const due = Math.max(windowEndS, (lastDue.get(state) ?? -Infinity) + 1e-6);
    lastDue.set(state, due);
    pending.push({ key: due, planned, seq: state.seq, t0Us });
  };

  let produced = 0;
  async function* generate(): AsyncGenerator<GeneratedReading> {
    for (;;) {
      // Every unplanned arrival closes its window after it arrives, so once the next arrival
      // is later than the earliest pending window end, that reading is the next to release.
      while (pending.size === 0 || heap.peek()!.key <= pending.peek()!.key) planNext();
      const next = pending.pop()!;
      if (finite) {
        const dueWall = wallStart + (midnightMs + 1000 * next.key - simStartMs) / options.speedup;
        const wait = dueWall - clock();
        if (wait > 0) await sleep(wait);
      }
      produced++;
      yield renderReading(next.planned, policy, next.seq, next.t0Us);
    }
  }

  return {
    fleet,
    signers: new Map(meters.map((m) => [m.registered.meterId, m.signer])),
    get produced() {
      return produced;
    },
    [Symbol.asyncIterator]: generate,
  };
}
