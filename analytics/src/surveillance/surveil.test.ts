import { createDataset } from '@speedledger/datasets';
import { decodeDlr1, measureSpeed } from '@speedledger/lr-chaincode/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../datasets/src/random/rng.js';
import { roadOf, type ReadingObservation } from './observations.js';
import { surveil } from './surveil.js';

/*
 * Surveillance over generated traffic: a datasets traffic day (signed readings measured with the
 * LR core, as the chaincode records them; ledger time = meter time + a random submission
 * latency). Clean traffic must flag nothing; each injected fault must be flagged on its meter.
 */
const SEED = 20_261_203;
let clean: ReadingObservation[] = [];

beforeAll(() => {
  const dataset = createDataset({ meters: 12, readings: 3600, seed: SEED, mix: 'clean' });
  const sites = new Map(dataset.fleet.meters.map((m) => [m.meterId, m.site]));
  const rng = createRng('surveillance-test', SEED);
  for (const r of dataset.readings()) {
    const decoded = decodeDlr1(r.bytes);
    if (!decoded.ok) throw new Error(decoded.detail);
    const site = sites.get(r.truth.meterId)!;
    const result = measureSpeed({ loopA: decoded.reading.loopA, loopB: decoded.reading.loopB, sampleRateHz: decoded.reading.sampleRateHz }, site);
    const t0Us = decoded.reading.t0Us;
    clean.push({
      meterId: r.truth.meterId, seq: String(r.truth.seq), t0Us: t0Us.toString(), txTimeMs: Number(t0Us / 1000n) + 500 + Math.floor(rng.uniform(0, 3000)),
      verdict: result.ok ? 'ACCEPTED' : 'INVALIDATED', reason: result.ok ? null : result.reason, speedCentiKmh: result.ok ? result.speedCentiKmh : null,
      speedLimitKmh: site.speedLimitKmh, road: roadOf(site.location), blockNumber: 1, txId: `tx-${r.truth.meterId}-${r.truth.seq}`, endorsers: ['InmetroMSP', 'PTBMSP'],
    });
  }
  clean = clean.sort((a, b) => a.txTimeMs - b.txTimeMs);
}, 120_000);

/** A meter that shares its road with at least one other (bias is judged against road peers). */
function meterWithRoadPeers(): string {
  const roads = new Map<string, Set<string>>();
  for (const o of clean) roads.set(o.road, (roads.get(o.road) ?? new Set()).add(o.meterId));
  const shared = [...roads.values()].find((s) => s.size >= 2);
  if (shared === undefined) throw new Error(`seed ${SEED}: no two meters on one road`);
  return [...shared][0]!;
}

describe(`surveillance over generated traffic (seed ${SEED})`, () => {
  it('clean traffic: nothing flagged', () => {
    expect(surveil({ observations: clean })).toEqual([]);
  });

  it('flags a meter measuring 20 % fast, and only that meter', () => {
    const biased = meterWithRoadPeers();
    const observations = clean.map((o) => (o.meterId === biased && o.speedCentiKmh !== null ? { ...o, speedCentiKmh: Math.round(o.speedCentiKmh * 1.2) } : o));
    const findings = surveil({ observations });
    expect(findings.map((f) => [f.kind, f.meterId])).toContainEqual(['SPEED_BIAS', biased]);
    expect(findings.every((f) => f.meterId === biased)).toBe(true);
    expect(findings.find((f) => f.kind === 'SPEED_BIAS')!.sentence).toContain('faster');
  });

  it('flags a meter whose speeds drift 25 % upwards in the second half of the day, and only that meter', () => {
    const drifting = meterWithRoadPeers();
    const times = clean.filter((o) => o.meterId === drifting).map((o) => Number(BigInt(o.t0Us) / 1000n));
    const middle = (Math.min(...times) + Math.max(...times)) / 2;
    const observations = clean.map((o) => (o.meterId === drifting && o.speedCentiKmh !== null && Number(BigInt(o.t0Us) / 1000n) > middle ? { ...o, speedCentiKmh: Math.round(o.speedCentiKmh * 1.25) } : o));
    const findings = surveil({ observations });
    expect(findings.map((f) => [f.kind, f.meterId])).toContainEqual(['SPEED_DRIFT', drifting]);
    expect(findings.every((f) => f.meterId === drifting)).toBe(true);
  });

  it('flags a meter whose clock loses 36 s per hour', () => {
    const drifting = clean[0]!.meterId;
    const start = clean[0]!.txTimeMs;
    const observations = clean.map((o) => (o.meterId === drifting ? { ...o, t0Us: (BigInt(o.t0Us) - BigInt(Math.round((o.txTimeMs - start) * 0.01)) * 1000n).toString() } : o));
    const findings = surveil({ observations });
    expect(findings).toMatchObject([{ kind: 'CLOCK_DRIFT', meterId: drifting }]);
    expect(findings[0]!.metrics.driftMsPerHour).toBeGreaterThan(30_000);
  });

  it('flags a sequence gap with the missing range and the bordering transactions as evidence', () => {
    const meter = clean[5]!.meterId;
    const observations = clean.filter((o) => !(o.meterId === meter && BigInt(o.seq) >= 10n && BigInt(o.seq) <= 14n));
    const findings = surveil({ observations });
    expect(findings).toMatchObject([{ kind: 'SEQUENCE_GAP', meterId: meter, metrics: { firstMissing: 10, lastMissing: 14, missing: 5 }, evidence: [`tx-${meter}-9`, `tx-${meter}-15`] }]);
  });

  it('flags a meter whose invalidation rate jumps', () => {
    const meter = clean[3]!.meterId;
    let i = 0;
    const observations = clean.map((o) => (o.meterId === meter && i++ % 3 === 0 ? { ...o, verdict: 'INVALIDATED' as const, reason: 'NO_VEHICLE', speedCentiKmh: null } : o));
    expect(surveil({ observations }).map((f) => [f.kind, f.meterId])).toEqual([['INVALIDATION_RATE', meter]]);
  });

  it('replays, conflicts, policy failures and ingest refusals each give a finding with evidence', () => {
    const findings = surveil({
      observations: clean,
      invalid: [
        { blockNumber: 7, txId: 'a', code: 'DUPLICATE_TXID', creatorMspId: 'CityOperatorMSP', txTimeMs: 1 },
        { blockNumber: 8, txId: 'b', code: 'MVCC_READ_CONFLICT', creatorMspId: 'CityOperatorMSP', txTimeMs: 2 },
        { blockNumber: 9, txId: 'c', code: 'ENDORSEMENT_POLICY_FAILURE', creatorMspId: 'CityOperatorMSP', txTimeMs: 3 },
        { blockNumber: 9, txId: 'd', code: 'VALID', creatorMspId: 'CityOperatorMSP', txTimeMs: 3 },
      ],
      refusals: [
        { atMs: 1, code: 'BAD_SIGNATURE', meterId: 'SP-000001', seq: '4', txId: 'f1' },
        { atMs: 2, code: 'BAD_SIGNATURE', meterId: 'SP-000001', seq: '5', txId: 'f2' },
        { atMs: 3, code: 'REPLAYED_SEQ', meterId: 'SP-000002', seq: '1' },
      ],
    });
    expect(findings.map((f) => [f.kind, f.evidence])).toEqual([
      ['REPLAY_ATTEMPT', ['a']], ['CONFLICT', ['b']], ['ENDORSER_DISAGREEMENT', ['c']], ['FORGERY_ATTEMPT', ['f1', 'f2']], ['REPLAY_ATTEMPT', ['SP-000002/1@3']],
    ]);
    expect(findings[3]!.sentence).toMatch(/^2 reading\(s\) for meter SP-000001 were refused/);
  });
});
