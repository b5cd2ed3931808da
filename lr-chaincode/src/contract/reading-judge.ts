import { decodeDlr1, verifyReadingSignature, type Dlr1Reading, type SiteParameters } from '../core/index.js';
import { ContractError } from './contract-error.js';
import type { LrContext } from './fabric-api.js';
import { KEY_TYPES, meterTimeIndexKey, seqKeyPart, violationIndexKey } from './ledger-keys.js';
import { writeJson } from './ledger-store.js';
import { currentLrIdentity } from './lr-identity.js';
import { buildMeasurementRecord, type MeasurementRecord } from './measurement-record.js';
import { meterPublicKey } from './meter-key-cache.js';
import { loadMeter } from './meter-registry-contract.js';
import { actorOf } from './registrar-check.js';
import type { SpeedAlgorithm } from './speed-algorithm.js';

/** World-state key of the record of reading (meterId, seq). */
export function measurementKey(ctx: LrContext, meterId: string, seq: bigint): string {
  return ctx.stub.createCompositeKey(KEY_TYPES.MEASUREMENT, [meterId, seqKeyPart(seq)]);
}

/**
 * Authenticates one reading: well-formed, from a registered and unrevoked meter, signed by its
 * key, and not seen before (neither on the ledger nor in `pending`, the (meterId, seq) pairs
 * already accepted in this transaction: a transaction does not read its own writes). Throws a
 * {@link ContractError} with the reason code otherwise, having written nothing.
 */
export async function authenticateReading(ctx: LrContext, bytes: Uint8Array, pending: ReadonlySet<string>) {
  const decoded = decodeDlr1(bytes);
  if (!decoded.ok) throw new ContractError('MALFORMED', decoded.detail);
  const reading = decoded.reading;
  const ids = { meterId: reading.meterId, seq: reading.seq.toString() };
  const meter = await loadMeter(ctx, reading.meterId, 'UNKNOWN_METER');
  if (meter.status !== 'ACTIVE') throw new ContractError('REVOKED_METER', `meter ${reading.meterId} was revoked (${meter.revocationReason ?? 'no reason'})`, ids);
  const key = meterPublicKey(meter.publicKeyHex);
  if (!('keyObject' in key)) throw new ContractError('UNKNOWN_METER', `registered key of ${reading.meterId} is unusable: ${key.detail}`, ids);
  const signature = verifyReadingSignature(reading, key);
  if (!signature.ok) throw new ContractError('BAD_SIGNATURE', `${reading.meterId} seq ${reading.seq}: ${signature.detail}`, ids);
  const ledgerKey = measurementKey(ctx, reading.meterId, reading.seq);
  const existing = await ctx.stub.getState(ledgerKey);
  if ((existing && existing.length > 0) || pending.has(ledgerKey)) {
    throw new ContractError('REPLAYED_SEQ', `reading ${reading.meterId} seq ${reading.seq} is already recorded`, ids);
  }
  return { reading, meter, ledgerKey };
}

/** Measures an authenticated reading and writes its record and index entries. */
export async function recordReading(
  ctx: LrContext,
  algorithm: SpeedAlgorithm,
  authentic: { reading: Dlr1Reading; meter: { site: SiteParameters }; ledgerKey: string },
): Promise<MeasurementRecord> {
  const { reading, meter, ledgerKey } = authentic;
  const result = algorithm.measure({ loopA: reading.loopA, loopB: reading.loopB, sampleRateHz: reading.sampleRateHz }, meter.site);
  const record = buildMeasurementRecord(reading, meter.site, result, {
    lr: currentLrIdentity(algorithm.version),
    txId: ctx.stub.getTxID(),
    recordedAt: ctx.stub.getDateTimestamp().toISOString(),
    submittedBy: actorOf(ctx),
  });
  const pointer = { meterId: reading.meterId, seq: record.seq };
  await writeJson(ctx, ledgerKey, record);
  await writeJson(ctx, meterTimeIndexKey(reading.meterId, reading.t0Us, reading.seq), pointer);
  if (record.violation) await writeJson(ctx, violationIndexKey(reading.t0Us, reading.meterId, reading.seq), pointer);
  return record;
}

/** The short form of a record carried by chaincode events. */
export function recordSummary(record: MeasurementRecord) {
  return {
    meterId: record.meterId,
    seq: record.seq,
    t0Us: record.t0Us,
    verdict: record.verdict,
    reason: record.reason,
    speedCentiKmh: record.speedCentiKmh,
    violation: record.violation,
    rawSha256: record.rawSha256,
  };
}
