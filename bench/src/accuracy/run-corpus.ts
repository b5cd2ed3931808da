import {
  decodeAndVerify,
  measureSpeed,
  LR_ALGORITHM_VERSION,
  type LrAlgorithmVersion,
  parseMeterPublicKey,
  type MeterPublicKey,
  type SiteParameters,
} from '@speedledger/lr-chaincode/core';
import type { Dataset, ManifestEntry } from '@speedledger/datasets';
import { mutateReading } from './mutation.js';

/** One judged reading. */
export interface Judged {
  truth: ManifestEntry;
  accepted: boolean;
  speedKmh: number | null;
  reason: string | null;
  detail: string | null;
}

/** A tampered copy and what the LR gate said. */
export interface MutationOutcome {
  what: string;
  reason: string | null;
}

function keysOf(dataset: Dataset): Map<string, { key: MeterPublicKey; site: SiteParameters }> {
  const out = new Map<string, { key: MeterPublicKey; site: SiteParameters }>();
  for (const meter of dataset.fleet.meters) {
    const key = parseMeterPublicKey(meter.publicKeyHex);
    if ('reason' in key) throw new Error(`fleet key of ${meter.meterId} does not parse: ${key.detail}`);
    out.set(meter.meterId, { key, site: meter.site });
  }
  return out;
}

/** Decodes, verifies and measures every reading, as the chaincode would; mutates every k-th. */
export function runCorpus(dataset: Dataset, mutateEvery = 0, algorithm: LrAlgorithmVersion = LR_ALGORITHM_VERSION): { judged: Judged[]; mutations: MutationOutcome[] } {
  const meters = keysOf(dataset);
  const judged: Judged[] = [];
  const mutations: MutationOutcome[] = [];
  let i = 0;
  for (const reading of dataset.readings()) {
    const meter = meters.get(reading.truth.meterId);
    if (!meter) throw new Error(`reading of unknown meter ${reading.truth.meterId}`);
    const authentic = decodeAndVerify(reading.bytes, meter.key);
    if (!authentic.ok) {
      judged.push({ truth: reading.truth, accepted: false, speedKmh: null, reason: authentic.reason, detail: authentic.detail });
    } else {
      const m = measureSpeed(authentic.reading, meter.site, algorithm);
      judged.push(
        m.ok
          ? { truth: reading.truth, accepted: true, speedKmh: m.speedKmh, reason: null, detail: null }
          : { truth: reading.truth, accepted: false, speedKmh: null, reason: m.reason, detail: m.detail },
      );
    }
    if (mutateEvery > 0 && i % mutateEvery === 0) {
      const mutated = mutateReading(reading.bytes, i / mutateEvery);
      const result = decodeAndVerify(mutated.bytes, meter.key);
      mutations.push({ what: mutated.what, reason: result.ok ? null : result.reason });
    }
    i++;
  }
  return { judged, mutations };
}
