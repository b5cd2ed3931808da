import { createHash, randomBytes } from 'node:crypto';
import type { FleetMeter } from '@speedledger/datasets';
import { LedgerError, type SubmittedBatch, type BatchItemResult } from '@speedledger/ledger-client';
import type { MeasurementRecord, MeterRecord } from '@speedledger/lr-chaincode/contract';
import { decodeAndVerify, measureSpeed, parseMeterPublicKey, type MeterPublicKey } from '@speedledger/lr-chaincode/core';
import type { ReadingLedger } from '../ledger/reading-ledger.js';

/** A scripted fault: the next submit fails with this error, optionally after committing anyway. */
export interface InjectedFault {
  readonly error: LedgerError;
  /** true: the transaction commits, but the caller sees the error (a timeout after send). */
  readonly commitAnyway?: boolean;
}

/**
 * A test double for Redis-only tests: the chaincode's reading rules (registry, signature, one
 * record per (meterId, seq), per-item batch refusals, rawSha256) kept in memory, with faults
 * injected per submit. The live `.net.test.ts` suites use the real network instead.
 */
export class MemoryLedger implements ReadingLedger {
  readonly meters = new Map<string, { record: MeterRecord; key: MeterPublicKey }>();
  readonly records = new Map<string, MeasurementRecord>();
  readonly transactions: { transactionId: string; meterIds: string[] }[] = [];
  readonly faults: InjectedFault[] = [];
  /** Like the orderer's envelope limit: a batch whose readings (base64) exceed it is refused RESOURCE_EXHAUSTED, nothing ordered. */
  envelopeLimitBytes = Infinity;
  /** Batches refused for their size. */
  tooLarge = 0;
  /** Milliseconds each submit takes (to let tests observe concurrency). */
  submitDelayMs = 0;
  inFlight = 0;
  maxInFlight = 0;
  /** Meters that were in two transactions at once (must stay empty). */
  readonly overlaps: string[] = [];
  readonly #busyMeters = new Map<string, number>();
  #block = 1n;

  register(meter: FleetMeter): void {
    const key = parseMeterPublicKey(meter.publicKeyHex);
    if (!('keyObject' in key)) throw new Error(`bad key for ${meter.meterId}`);
    const record: MeterRecord = {
      meterId: meter.meterId, publicKeyHex: meter.publicKeyHex, site: meter.site, status: 'ACTIVE',
      registeredBy: { mspId: 'InmetroMSP', id: 'Registrar' }, registeredTxId: 'tx-register', registeredAt: new Date(0).toISOString(),
    };
    this.meters.set(meter.meterId, { record, key });
  }

  revoke(meterId: string): void {
    const entry = this.meters.get(meterId)!;
    this.meters.set(meterId, { ...entry, record: { ...entry.record, status: 'REVOKED' } });
  }

  async getMeter(meterId: string): Promise<MeterRecord> {
    const entry = this.meters.get(meterId);
    if (!entry) throw new LedgerError('CONTRACT_REJECTED', `[NOT_FOUND] meter ${meterId}`, { stage: 'evaluate', contractCode: 'NOT_FOUND', meterId });
    return entry.record;
  }

  async getMeasurement(meterId: string, seq: bigint | string): Promise<MeasurementRecord> {
    const record = this.records.get(`${meterId}/${String(seq)}`);
    if (!record) throw new LedgerError('CONTRACT_REJECTED', `[NOT_FOUND] ${meterId} ${String(seq)}`, { stage: 'evaluate', contractCode: 'NOT_FOUND', meterId, seq: String(seq) });
    return record;
  }

  async submitReadings(batch: readonly Uint8Array[]): Promise<SubmittedBatch> {
    const transactionId = randomBytes(32).toString('hex');
    const fault = this.faults.shift();
    if (fault && !fault.commitAnyway) throw fault.error;
    const size = batch.reduce((sum, b) => sum + Math.ceil(b.length / 3) * 4, 0);
    if (size > this.envelopeLimitBytes) {
      this.tooLarge += 1;
      throw new LedgerError('SUBMIT_FAILED', `SubmitReadings: 8 RESOURCE_EXHAUSTED: Received message larger than max (${size} vs ${this.envelopeLimitBytes})`, { stage: 'submit', transactionId });
    }
    const meterIds = [...new Set(batch.map((b) => Buffer.from(b.subarray(8, 24)).toString('latin1').replace(/\0+$/, '')))];
    for (const m of meterIds) {
      if ((this.#busyMeters.get(m) ?? 0) > 0) this.overlaps.push(m);
      this.#busyMeters.set(m, (this.#busyMeters.get(m) ?? 0) + 1);
    }
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.submitDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.submitDelayMs));
      const results = batch.map((bytes, index) => this.#judge(bytes, index, transactionId));
      this.transactions.push({ transactionId, meterIds });
      const committed = { transactionId, blockNumber: this.#block++, results };
      if (fault?.commitAnyway) throw fault.error;
      return committed;
    } finally {
      this.inFlight -= 1;
      for (const m of meterIds) this.#busyMeters.set(m, this.#busyMeters.get(m)! - 1);
    }
  }

  #judge(bytes: Uint8Array, index: number, txId: string): BatchItemResult {
    const refuse = (code: 'MALFORMED' | 'UNKNOWN_METER' | 'REVOKED_METER' | 'BAD_SIGNATURE' | 'REPLAYED_SEQ', detail: string, meterId?: string, seq?: string): BatchItemResult => ({
      index, status: 'refused', code, detail: `[${code}] ${detail}`, ...(meterId ? { meterId } : {}), ...(seq ? { seq } : {}),
    });
    const meterId = Buffer.from(bytes.subarray(8, 24)).toString('latin1').replace(/\0+$/, '');
    const entry = this.meters.get(meterId);
    if (!entry) return refuse('UNKNOWN_METER', 'not registered', meterId);
    if (entry.record.status === 'REVOKED') return refuse('REVOKED_METER', 'revoked', meterId);
    const authentic = decodeAndVerify(bytes, entry.key);
    if (!authentic.ok) return refuse(authentic.reason, authentic.detail, meterId);
    const seq = authentic.reading.seq.toString();
    const key = `${meterId}/${seq}`;
    if (this.records.has(key)) return refuse('REPLAYED_SEQ', 'already recorded', meterId, seq);
    const { loopA, loopB, sampleRateHz } = authentic.reading;
    const result = measureSpeed({ loopA, loopB, sampleRateHz }, entry.record.site);
    const record = {
      meterId, seq, t0Us: authentic.reading.t0Us.toString(), sampleRateHz, samples: authentic.reading.n,
      verdict: result.ok ? 'ACCEPTED' : 'INVALIDATED', reason: result.ok ? null : result.reason, detail: null,
      speedCentiKmh: result.ok ? result.speedCentiKmh : null, lengthCm: null, shiftMicros: null, correlationPermille: null,
      speedLimitKmh: entry.record.site.speedLimitKmh, toleranceCentiKmh: null, consideredSpeedCentiKmh: null, violation: false,
      rawSha256: createHash('sha256').update(bytes).digest('hex'), evidenceSha256: null,
      lr: { name: 'memory', version: '0', algorithmVersion: '0', fingerprint: 'unbundled' }, txId, recordedAt: new Date(0).toISOString(),
      submittedBy: { mspId: 'CityOperatorMSP', id: 'User1' },
    } as MeasurementRecord;
    this.records.set(key, record);
    return { index, status: 'recorded', record };
  }
}
