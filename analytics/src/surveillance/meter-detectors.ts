import type { ReadingObservation } from './observations.js';
import { mean, median, slope, welchT } from './statistics.js';
import type { SurveillanceFinding } from './surveillance-finding.js';

/** Where the detectors draw the line; defaults chosen so clean generated traffic flags nothing. */
export interface SurveillanceThresholds {
  /** Readings a meter needs before its statistics are judged. */
  readonly minReadings: number;
  /** Speed bias against same-road meters, as a share of the posted limit (0.1 = 10 %). */
  readonly biasShare: number;
  /** |Welch t| the bias must also reach. */
  readonly biasT: number;
  /** Change of that bias between the first and the last third of the meter's history. */
  readonly driftShare: number;
  /** Invalidation rate above the fleet's: ×factor and + absolute margin, and binomial z. */
  readonly invalidationFactor: number;
  readonly invalidationMargin: number;
  readonly invalidationZ: number;
  /** Meter clock (t0) against ledger time: median offset from the fleet's, ms. */
  readonly clockOffsetMs: number;
  /** Growth of that offset, ms per hour of ledger time (needs `clockSpanMs` of history). */
  readonly clockDriftMsPerHour: number;
  readonly clockSpanMs: number;
}

export const DEFAULT_THRESHOLDS: SurveillanceThresholds = {
  minReadings: 20, biasShare: 0.1, biasT: 5, driftShare: 0.1,
  invalidationFactor: 2, invalidationMargin: 0.05, invalidationZ: 4,
  clockOffsetMs: 30_000, clockDriftMsPerHour: 10_000, clockSpanMs: 3_600_000,
};

function byMeter(observations: readonly ReadingObservation[]): Map<string, ReadingObservation[]> {
  const out = new Map<string, ReadingObservation[]>();
  for (const o of observations) {
    let list = out.get(o.meterId);
    if (list === undefined) out.set(o.meterId, (list = []));
    list.push(o);
  }
  for (const list of out.values()) list.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
  return out;
}

const evidenceOf = (list: readonly ReadingObservation[], n = 5): string[] => [...new Set(list.slice(0, n).map((o) => o.txId))];
/** Accepted speed as a share of the posted limit: comparable across sites with different limits. */
const share = (o: ReadingObservation): number => o.speedCentiKmh! / 100 / o.speedLimitKmh;
const accepted = (list: readonly ReadingObservation[]): ReadingObservation[] => list.filter((o) => o.verdict === 'ACCEPTED' && o.speedCentiKmh !== null);
const t0Ms = (o: ReadingObservation): number => Number(BigInt(o.t0Us) / 1000n);

/** Missing sequence numbers between a meter's recorded readings (lost readings). */
export function sequenceGaps(observations: readonly ReadingObservation[]): SurveillanceFinding[] {
  const findings: SurveillanceFinding[] = [];
  for (const [meterId, list] of byMeter(observations)) {
    for (let i = 1; i < list.length; i++) {
      const a = BigInt(list[i - 1]!.seq);
      const b = BigInt(list[i]!.seq);
      if (b - a <= 1n) continue;
      const missing = Number(b - a - 1n);
      findings.push({
        kind: 'SEQUENCE_GAP', severity: 'warning', meterId, key: `SEQUENCE_GAP/${meterId}/${a + 1n}`, evidence: [list[i - 1]!.txId, list[i]!.txId],
        metrics: { firstMissing: Number(a + 1n), lastMissing: Number(b - 1n), missing },
        sentence: `Meter ${meterId} has no record of ${missing === 1 ? `reading ${a + 1n}` : `readings ${a + 1n} to ${b - 1n}`}: ${missing} reading(s) were lost or withheld between two recorded ones.`,
      });
    }
  }
  return findings;
}

/** Speed bias against meters on the same road, and its drift over the meter's history. */
export function speedBias(observations: readonly ReadingObservation[], t: SurveillanceThresholds = DEFAULT_THRESHOLDS): SurveillanceFinding[] {
  const meters = byMeter(observations);
  const findings: SurveillanceFinding[] = [];
  for (const [meterId, list] of meters) {
    const own = accepted(list);
    if (own.length < t.minReadings) continue;
    const road = own[0]!.road;
    const peers = [...meters].filter(([id, l]) => id !== meterId && l[0]!.road === road).flatMap(([, l]) => accepted(l));
    if (peers.length < t.minReadings) continue;
    const ownShares = own.map(share);
    const peerShares = peers.map(share);
    const bias = mean(ownShares) - mean(peerShares);
    const tStat = welchT(ownShares, peerShares);
    // With few meters on a road a biased one makes its honest neighbour look biased the other
    // way: the rest of the fleet (where the biased meter is one of many) decides which it is.
    const fleetShares = [...meters].filter(([id]) => id !== meterId).flatMap(([, l]) => accepted(l)).map(share);
    const fleetBias = mean(ownShares) - mean(fleetShares);
    if (Math.abs(bias) >= t.biasShare && Math.abs(tStat) >= t.biasT && Math.abs(fleetBias) >= t.biasShare / 2 && Math.sign(fleetBias) === Math.sign(bias)) {
      findings.push({
        kind: 'SPEED_BIAS', severity: 'alert', meterId, key: `SPEED_BIAS/${meterId}`, evidence: evidenceOf(own),
        metrics: { biasShareOfLimit: bias, fleetBiasShareOfLimit: fleetBias, t: tStat, readings: own.length, peerReadings: peers.length },
        sentence: `Meter ${meterId} measures ${Math.abs(bias * 100).toFixed(0)} % of the speed limit ${bias > 0 ? 'faster' : 'slower'} than the other meters on ${road}, over ${own.length} readings: it may be miscalibrated or tampered with.`,
      });
    }
    // Drift: the bias against peers in the first third of the meter's time span vs the last third.
    const times = own.map(t0Ms);
    const lo = Math.min(...times);
    const hi = Math.max(...times);
    const third = (hi - lo) / 3;
    const window = (l: readonly ReadingObservation[], from: number, to: number) => l.filter((o) => t0Ms(o) >= from && t0Ms(o) <= to).map(share);
    const [ownA, ownB] = [window(own, lo, lo + third), window(own, hi - third, hi)];
    const [peerA, peerB] = [window(peers, lo, lo + third), window(peers, hi - third, hi)];
    const min = t.minReadings / 2;
    if (third > 0 && ownA.length >= min && ownB.length >= min && peerA.length >= min && peerB.length >= min) {
      const change = mean(ownB) - mean(peerB) - (mean(ownA) - mean(peerA));
      // As for the bias: the rest of the fleet tells the drifting meter from its road neighbour.
      const fleet = [...meters].filter(([id]) => id !== meterId).flatMap(([, l]) => accepted(l));
      const fleetChange = mean(ownB) - mean(window(fleet, hi - third, hi)) - (mean(ownA) - mean(window(fleet, lo, lo + third)));
      if (Math.abs(change) >= t.driftShare && Math.abs(fleetChange) >= t.driftShare / 2 && Math.sign(change) === Math.sign(fleetChange)) {
        findings.push({
          kind: 'SPEED_DRIFT', severity: 'alert', meterId, key: `SPEED_DRIFT/${meterId}`, evidence: evidenceOf(own.slice(-5)),
          metrics: { changeShareOfLimit: change, early: ownA.length, late: ownB.length },
          sentence: `Meter ${meterId}'s speeds drifted ${Math.abs(change * 100).toFixed(0)} % of the limit ${change > 0 ? 'upwards' : 'downwards'} against the other meters on ${road} between the start and the end of its history.`,
        });
      }
    }
  }
  return findings;
}

/** Invalidation rate far above the rest of the fleet's. */
export function invalidationRate(observations: readonly ReadingObservation[], t: SurveillanceThresholds = DEFAULT_THRESHOLDS): SurveillanceFinding[] {
  const meters = byMeter(observations);
  const findings: SurveillanceFinding[] = [];
  for (const [meterId, list] of meters) {
    if (list.length < t.minReadings) continue;
    const others = [...meters].filter(([id]) => id !== meterId).flatMap(([, l]) => l);
    if (others.length < t.minReadings) continue;
    const bad = list.filter((o) => o.verdict === 'INVALIDATED');
    const rate = bad.length / list.length;
    const fleet = others.filter((o) => o.verdict === 'INVALIDATED').length / others.length;
    const p = Math.max(fleet, 1 / others.length);
    const z = (rate - p) / Math.sqrt((p * (1 - p)) / list.length);
    if (rate > fleet * t.invalidationFactor + t.invalidationMargin && z >= t.invalidationZ) {
      findings.push({
        kind: 'INVALIDATION_RATE', severity: 'warning', meterId, key: `INVALIDATION_RATE/${meterId}`, evidence: evidenceOf(bad),
        metrics: { rate, fleetRate: fleet, z, readings: list.length },
        sentence: `Meter ${meterId} invalidates ${(rate * 100).toFixed(0)} % of its readings against ${(fleet * 100).toFixed(0)} % for the rest of the fleet: its loops or site need inspection.`,
      });
    }
  }
  return findings;
}

/** The meter clock (t0) against the ledger's transaction time: a constant offset or a drift. */
export function clockDrift(observations: readonly ReadingObservation[], t: SurveillanceThresholds = DEFAULT_THRESHOLDS): SurveillanceFinding[] {
  const meters = byMeter(observations);
  const offsets = new Map([...meters].map(([id, l]) => [id, l.map((o) => o.txTimeMs - t0Ms(o))] as const));
  const all = [...offsets.values()].filter((l) => l.length >= t.minReadings).map(median);
  if (all.length === 0) return [];
  const fleet = median(all);
  const findings: SurveillanceFinding[] = [];
  for (const [meterId, list] of meters) {
    if (list.length < t.minReadings) continue;
    const off = offsets.get(meterId)!;
    const med = median(off);
    const times = list.map((o) => o.txTimeMs);
    const span = Math.max(...times) - Math.min(...times);
    const perHour = slope(times, off) * 3_600_000;
    if (span >= t.clockSpanMs && Math.abs(perHour) >= t.clockDriftMsPerHour) {
      findings.push({
        kind: 'CLOCK_DRIFT', severity: 'warning', meterId, key: `CLOCK_DRIFT/${meterId}`, evidence: evidenceOf(list.slice(-5)),
        metrics: { driftMsPerHour: perHour, spanMs: span },
        sentence: `Meter ${meterId}'s clock ${perHour > 0 ? 'loses' : 'gains'} about ${Math.abs(perHour / 1000).toFixed(0)} s per hour against the ledger's time: its readings' timestamps cannot be trusted as they are.`,
      });
    } else if (Math.abs(med - fleet) >= t.clockOffsetMs) {
      findings.push({
        kind: 'CLOCK_OFFSET', severity: 'warning', meterId, key: `CLOCK_OFFSET/${meterId}`, evidence: evidenceOf(list),
        metrics: { offsetMs: med - fleet },
        sentence: `Meter ${meterId}'s clock is ${Math.abs((med - fleet) / 1000).toFixed(0)} s ${med - fleet > 0 ? 'behind' : 'ahead of'} the rest of the fleet against the ledger's time.`,
      });
    }
  }
  return findings;
}
