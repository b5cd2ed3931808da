import { measureSpeed, decodeDlr1 } from '@speedledger/lr-chaincode/core';
import type { FleetMeter } from '@speedledger/datasets';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_CONTENT_TYPE, encodeBatch } from '../reading/batch-framing.js';
import { sha256Hex } from '../reading/reading-identity.js';
import { eventually, forge } from '../test-support/ingest-harness.js';
import { conflictingTwin } from '../test-support/readings.js';
import { liveMissing, postReading, startLiveIngest, type LiveIngest } from '../test-support/live-ingest.js';

/*
 * The ingest tier against the real thing: the embedded network (4 orderers, 4 peers, the LR
 * chaincode), a real redis-server, and the service composed as `ingest serve` composes it,
 * submitting through @speedledger/ledger-client (fabric-gateway) as the city operator.
 */
const missing = liveMissing();
if (missing && process.env.CI) throw new Error(`live ingest test cannot run: ${missing}`);
if (missing) console.warn(`live ingest test skipped: ${missing}`);

/** What the chaincode must record for `bytes`, computed locally with the LR core. */
function expected(bytes: Uint8Array, meter: FleetMeter): { verdict: string; speedCentiKmh: number | null } {
  const decoded = decodeDlr1(bytes);
  if (!decoded.ok) throw new Error(decoded.detail);
  const { loopA, loopB, sampleRateHz } = decoded.reading;
  const result = measureSpeed({ loopA, loopB, sampleRateHz }, meter.site);
  return result.ok ? { verdict: 'ACCEPTED', speedCentiKmh: result.speedCentiKmh } : { verdict: 'INVALIDATED', speedCentiKmh: null };
}

describe.skipIf(missing !== undefined)('ingest → embedded network: readings go in and come out committed', { timeout: 300_000 }, () => {
  let live: LiveIngest;
  let failed = false;

  beforeAll(async () => {
    // A 1.5 s batching window so a batch POSTed at once reaches the chaincode as one transaction.
    live = await startLiveIngest({ meters: 4, register: 3, readings: 60, seed: 20_261_204, worker: { maxWaitMs: 1_500 } });
  }, 300_000);

  afterEach((context) => {
    if (context.task.result?.state === 'fail') failed = true;
  });

  afterAll(async () => {
    await live?.stop(failed);
  }, 120_000);

  it('202 receipts, then every reading is committed with its block, transaction and the LR speed', async () => {
    const batch = live.readings.filter((r) => r.truth.meterId === live.fleet[0]!.meterId).slice(0, 6);
    for (const reading of batch) {
      const posted = await postReading(live.apiUrl, reading.bytes);
      expect(posted.status).toBe(202);
      expect(posted.body).toEqual({ meterId: reading.truth.meterId, seq: String(reading.truth.seq), rawSha256: sha256Hex(reading.bytes), status: 'queued' });
    }
    for (const reading of batch) {
      const meter = live.fleet.find((m) => m.meterId === reading.truth.meterId)!;
      const status = await eventually(async () => {
        const s = await live.status(reading.truth.meterId, reading.truth.seq);
        return s?.status === 'committed' ? s : undefined;
      }, 90_000, `${reading.truth.meterId}@${reading.truth.seq} committed`);
      expect(status).toMatchObject({ meterId: reading.truth.meterId, seq: String(reading.truth.seq), rawSha256: sha256Hex(reading.bytes), ...expected(reading.bytes, meter) });
      expect(status.transactionId).toMatch(/^[0-9a-f]{64}$/);
      expect(BigInt(status.blockNumber as string)).toBeGreaterThan(0n);
      // The ledger's own record agrees: same transaction, same raw bytes.
      const record = await live.operator.getMeasurement(reading.truth.meterId, BigInt(reading.truth.seq));
      expect(record).toMatchObject({ txId: status.transactionId, rawSha256: sha256Hex(reading.bytes), verdict: status.verdict, speedCentiKmh: status.speedCentiKmh });
    }
  });

  /** Readings of `meterId` not used by another test (tests take disjoint slices by meter). */
  const ofMeter = (index: number) => live.readings.filter((r) => r.truth.meterId === live.fleet[index]!.meterId);
  const settled = (meterId: string, seq: bigint | number, status: string) => eventually(async () => {
    const s = await live.status(meterId, seq);
    return s?.status === status ? s : undefined;
  }, 90_000, `${meterId}@${seq} ${status}`);
  const stats = async (): Promise<{ backlog: number; counters: Record<string, number> }> =>
    (await (await fetch(`${live.apiUrl}/v1/stats`, { headers: { authorization: `Bearer ${live.operatorKey}` } })).json()) as { backlog: number; counters: Record<string, number> };
  async function notOnLedger(meterId: string, seq: bigint | number): Promise<void> {
    await expect(live.operator.getMeasurement(meterId, BigInt(seq))).rejects.toMatchObject({ code: 'CONTRACT_REJECTED', contractCode: 'NOT_FOUND' });
  }

  it('duplicates collapse: the same bytes (concurrently, and again after commit) get the same receipt and one transaction', async () => {
    const reading = ofMeter(1)[0]!;
    const answers = await Promise.all(Array.from({ length: 6 }, () => postReading(live.apiUrl, reading.bytes)));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202, 202]);
    const receipt = { meterId: reading.truth.meterId, seq: String(reading.truth.seq), rawSha256: sha256Hex(reading.bytes) };
    for (const a of answers) expect(a.body).toMatchObject(receipt);
    const committed = await settled(reading.truth.meterId, reading.truth.seq, 'committed');
    // Committed by its own transaction, not resolved from a second one that found it recorded.
    expect(committed.alreadyCommitted).toBeUndefined();
    const again = await postReading(live.apiUrl, reading.bytes);
    expect(again).toMatchObject({ status: 202, body: { ...receipt, status: 'committed' } });
    // The worker never submits it again: its status and the ledger record keep the first transaction.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await live.status(reading.truth.meterId, reading.truth.seq)).toMatchObject({ status: 'committed', transactionId: committed.transactionId, attempts: committed.attempts });
    expect(await live.operator.getMeasurement(reading.truth.meterId, BigInt(reading.truth.seq))).toMatchObject({ txId: committed.transactionId });
    expect((await stats()).counters['refused:REPLAYED_SEQ']).toBeUndefined();
  });

  it('forged, malformed, oversize and wrong-type input get 400/400/413/415 and write nothing (Redis or ledger)', async () => {
    const [forgedOf, malformedOf, typeOf] = ofMeter(1).slice(1, 4);
    const before = await stats();
    const forged = await postReading(live.apiUrl, forge(forgedOf!.bytes));
    expect(forged).toMatchObject({ status: 400, body: { error: 'BAD_SIGNATURE', meterId: forgedOf!.truth.meterId, seq: String(forgedOf!.truth.seq) } });
    const malformed = await postReading(live.apiUrl, malformedOf!.bytes.subarray(0, 100));
    expect(malformed).toMatchObject({ status: 400, body: { error: 'MALFORMED' } });
    const oversize = await postReading(live.apiUrl, new Uint8Array(144 + 4 * 32768 + 1));
    expect(oversize).toMatchObject({ status: 413, body: { error: 'TOO_LARGE' } });
    const wrongType = await postReading(live.apiUrl, typeOf!.bytes, 'text/plain');
    expect(wrongType).toMatchObject({ status: 415, body: { error: 'UNSUPPORTED_MEDIA_TYPE' } });
    const unregistered = ofMeter(3)[0]!;
    expect(await postReading(live.apiUrl, unregistered.bytes)).toMatchObject({ status: 400, body: { error: 'UNKNOWN_METER' } });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const after = await stats();
    expect(after.backlog).toBe(before.backlog);
    expect(after.counters.accepted).toBe(before.counters.accepted);
    for (const r of [forgedOf!, malformedOf!, typeOf!, unregistered]) {
      expect(await live.status(r.truth.meterId, r.truth.seq)).toBeUndefined();
      await notOnLedger(r.truth.meterId, r.truth.seq);
    }
  });

  it('other bytes under an accepted (meterId, seq) get 409, are kept as evidence, and the original is what commits', async () => {
    const original = ofMeter(1)[4]!;
    expect((await postReading(live.apiUrl, original.bytes)).status).toBe(202);
    const twin = conflictingTwin(live.dataset, original.bytes);
    const conflict = await postReading(live.apiUrl, twin);
    expect(conflict).toMatchObject({ status: 409, body: { error: 'SEQ_CONFLICT', recordedSha256: sha256Hex(original.bytes), offeredSha256: sha256Hex(twin) } });
    const evidence = (await (await fetch(`${live.apiUrl}/v1/conflicts`, { headers: { authorization: `Bearer ${live.operatorKey}` } })).json()) as { conflicts: Record<string, unknown>[] };
    expect(evidence.conflicts).toContainEqual(expect.objectContaining({ meterId: original.truth.meterId, seq: String(original.truth.seq), offeredSha256: sha256Hex(twin), rawBase64: Buffer.from(twin).toString('base64') }));
    await settled(original.truth.meterId, original.truth.seq, 'committed');
    expect(await live.operator.getMeasurement(original.truth.meterId, BigInt(original.truth.seq))).toMatchObject({ rawSha256: sha256Hex(original.bytes) });
  });

  it('a batch with mixed chaincode verdicts is split item by item: good ones commit, the others are refused with the chaincode code', async () => {
    const [good1, good2, onLedgerTwin, alreadyOn] = ofMeter(2).slice(0, 4);
    const [ofRevoked] = ofMeter(0).slice(-1);
    // Put on the ledger directly (another gateway): a twin under onLedgerTwin's seq, and alreadyOn itself.
    await live.operator.submitReading(conflictingTwin(live.dataset, onLedgerTwin!.bytes));
    await live.operator.submitReading(alreadyOn!.bytes);
    await live.worker!.worker.pause();
    try {
      const posted = await postReading(live.apiUrl, encodeBatch([good1!.bytes, good2!.bytes, onLedgerTwin!.bytes, alreadyOn!.bytes, ofRevoked!.bytes]), BATCH_CONTENT_TYPE);
      expect(posted.status).toBe(202);
      // Revoked on the ledger after the edge accepted its reading: only the chaincode can refuse it now.
      await live.registrar.revokeMeter(live.fleet[0]!.meterId, 'live test: revoked while a reading was queued');
    } finally {
      live.worker!.worker.resume();
    }
    const [s1, s2] = [await settled(good1!.truth.meterId, good1!.truth.seq, 'committed'), await settled(good2!.truth.meterId, good2!.truth.seq, 'committed')];
    const conflict = await settled(onLedgerTwin!.truth.meterId, onLedgerTwin!.truth.seq, 'refused');
    expect(conflict).toMatchObject({ code: 'CONFLICTING_RECORD' });
    const already = await settled(alreadyOn!.truth.meterId, alreadyOn!.truth.seq, 'committed');
    expect(already).toMatchObject({ alreadyCommitted: true });
    const revoked = await settled(ofRevoked!.truth.meterId, ofRevoked!.truth.seq, 'refused');
    expect(revoked).toMatchObject({ code: 'REVOKED_METER' });
    // All five went to the chaincode in one SubmitReadings transaction and were judged item by item.
    expect(s2.transactionId).toBe(s1.transactionId);
    expect(revoked.transactionId).toBe(s1.transactionId);
    expect(await live.operator.getMeasurement(good1!.truth.meterId, BigInt(good1!.truth.seq))).toMatchObject({ txId: s1.transactionId, rawSha256: sha256Hex(good1!.bytes) });
    expect(await live.operator.getMeasurement(onLedgerTwin!.truth.meterId, BigInt(onLedgerTwin!.truth.seq))).not.toMatchObject({ rawSha256: sha256Hex(onLedgerTwin!.bytes) });
    await notOnLedger(ofRevoked!.truth.meterId, ofRevoked!.truth.seq);
  });
});
