import type { MeasurementRecord, MeterRecord } from '@speedledger/lr-chaincode/contract';
import type { SiteParameters } from '@speedledger/lr-chaincode/core';
import { LedgerError } from './errors/ledger-error.js';
import type { BatchItemResult, LedgerArgument, Page, PageRequest, TimeWindow } from './ledger-client.js';

/**
 * Most readings per `SubmitReadings` (lr-chaincode's `MAX_BATCH`, mirrored because importing the
 * contract module loads the chaincode runtime; a test keeps the two equal).
 */
export const MAX_BATCH = 100;

/**
 * Most raw DLR1 bytes per `SubmitReadings` (the sum over the batch). The transaction envelope
 * carries the readings base64-encoded (×4/3) in the proposal payload, plus the write set and the
 * per-item results, and must fit the orderers' envelope limit (`maxEnvelopeBytes`, 3 MiB by
 * default on the embedded network; Fabric's `AbsoluteMaxBytes` on a real one): 1.5 MiB of
 * readings leaves room for both. A batch of 100 rush-hour readings (6–15 KB each) fits; a batch
 * of very slow passes (up to 131 KB each) must be split — {@link splitIntoBatches} does that.
 */
export const MAX_BATCH_BYTES = 1536 * 1024;

/**
 * Splits readings, in order, into the fewest consecutive batches of at most `maxReadings` items
 * and `maxBytes` raw bytes each. A reading larger than `maxBytes` on its own gets a batch of its
 * own, which `submitReadings` then refuses with its size (splitting cannot help). Items that are
 * not the bytes themselves (a queue's records) give their reading's size through `bytesOf`.
 */
export function splitIntoBatches<T extends Uint8Array>(readings: readonly T[], maxReadings?: number, maxBytes?: number): T[][];
export function splitIntoBatches<T>(items: readonly T[], maxReadings: number, maxBytes: number, bytesOf: (item: T) => number): T[][];
export function splitIntoBatches<T>(
  items: readonly T[], maxReadings = MAX_BATCH, maxBytes = MAX_BATCH_BYTES, bytesOf: (item: T) => number = (item) => (item as Uint8Array).byteLength,
): T[][] {
  if (!(Number.isInteger(maxReadings) && maxReadings >= 1 && maxReadings <= MAX_BATCH)) throw badArgument(`maxReadings must be an integer in 1..${MAX_BATCH}`);
  if (!(Number.isInteger(maxBytes) && maxBytes >= 1)) throw badArgument('maxBytes must be a positive integer');
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = bytesOf(item);
    if (current.length > 0 && (current.length === maxReadings || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Page size used when the caller gives none (the chaincode requires one). */
export const DEFAULT_PAGE_SIZE = 100;

/** Fully qualified lr-chaincode function names (`Contract:Function`). */
export const LR_FUNCTIONS = {
  registerMeter: 'MeterRegistry:RegisterMeter',
  revokeMeter: 'MeterRegistry:RevokeMeter',
  getMeter: 'MeterRegistry:GetMeter',
  submitReading: 'SpeedMeasurement:SubmitReading',
  submitReadings: 'SpeedMeasurement:SubmitReadings',
  getMeasurement: 'SpeedMeasurement:GetMeasurement',
  listMeasurements: 'SpeedMeasurement:ListMeasurements',
  listViolations: 'SpeedMeasurement:ListViolations',
} as const;

function badArgument(message: string, ids: Record<string, string> = {}): LedgerError {
  return new LedgerError('INVALID_ARGUMENT', message, { stage: 'endorse', ids });
}

function requireText(value: unknown, name: string): string {
  if (typeof value !== 'string') throw badArgument(`${name} must be a string`);
  return value;
}

/** Arguments of `RegisterMeter`. */
export function registerMeterArgs(meterId: string, publicKeyHex: string, site: SiteParameters): LedgerArgument[] {
  if (typeof site !== 'object' || site === null) throw badArgument('site parameters must be an object', { meterId: String(meterId) });
  return [requireText(meterId, 'meterId'), requireText(publicKeyHex, 'publicKeyHex'), JSON.stringify(site)];
}

/** Arguments of `RevokeMeter`. */
export function revokeMeterArgs(meterId: string, reason: string): LedgerArgument[] {
  return [requireText(meterId, 'meterId'), requireText(reason, 'reason')];
}

/** Arguments of `SubmitReading`: the raw DLR1 bytes, unchanged (the contract reads getBufferArgs). */
export function submitReadingArgs(dlr1: Uint8Array): LedgerArgument[] {
  if (!(dlr1 instanceof Uint8Array) || dlr1.length === 0) throw badArgument('a reading must be non-empty DLR1 bytes');
  return [dlr1];
}

/** Arguments of `SubmitReadings`: one JSON array of base64 readings, 1..MAX_BATCH long, at most MAX_BATCH_BYTES raw. */
export function submitReadingsArgs(batch: readonly Uint8Array[]): LedgerArgument[] {
  if (!Array.isArray(batch) || batch.length === 0 || batch.length > MAX_BATCH) {
    throw badArgument(`a batch holds 1..${MAX_BATCH} readings, got ${Array.isArray(batch) ? batch.length : typeof batch}`);
  }
  let bytes = 0;
  const encoded = batch.map((reading, index) => {
    if (!(reading instanceof Uint8Array) || reading.length === 0) throw badArgument(`batch item ${index} is not non-empty DLR1 bytes`);
    bytes += reading.byteLength;
    return Buffer.from(reading.buffer, reading.byteOffset, reading.byteLength).toString('base64');
  });
  // Refused here, with the sizes, rather than as an opaque RESOURCE_EXHAUSTED from a peer or orderer.
  if (bytes > MAX_BATCH_BYTES) {
    throw badArgument(`a batch holds at most ${MAX_BATCH_BYTES} bytes of readings, got ${bytes} in ${batch.length}: split it (splitIntoBatches)`, { batchBytes: String(bytes) });
  }
  return [JSON.stringify(encoded)];
}

function seqText(seq: bigint | string): string {
  const text = typeof seq === 'bigint' ? seq.toString() : seq;
  if (typeof text !== 'string') throw badArgument('seq must be a bigint or a decimal string');
  return text;
}

/** Arguments of `GetMeasurement`. */
export function getMeasurementArgs(meterId: string, seq: bigint | string): LedgerArgument[] {
  return [requireText(meterId, 'meterId'), seqText(seq)];
}

function windowArgs(window: TimeWindow = {}): string[] {
  return [window.fromUs === undefined ? '' : window.fromUs.toString(), window.toUs === undefined ? '' : window.toUs.toString()];
}

function pageArgs(page: PageRequest = {}): string[] {
  const size = page.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(size) || size < 1) throw badArgument(`pageSize must be a positive integer, got ${String(size)}`);
  return [String(size), page.bookmark ?? ''];
}

/** Arguments of `ListMeasurements`. */
export function listMeasurementsArgs(meterId: string, window?: TimeWindow, page?: PageRequest): LedgerArgument[] {
  return [requireText(meterId, 'meterId'), ...windowArgs(window), ...pageArgs(page)];
}

/** Arguments of `ListViolations`. */
export function listViolationsArgs(window?: TimeWindow, page?: PageRequest): LedgerArgument[] {
  return [...windowArgs(window), ...pageArgs(page)];
}

/** Parses the chaincode's JSON answer; BAD_RESPONSE when it is not JSON of the expected shape. */
export function decodeJson<T>(bytes: Uint8Array, fn: string, check: (value: unknown) => boolean, transactionId?: string): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (cause) {
    throw new LedgerError('BAD_RESPONSE', `${fn} returned non-JSON`, { stage: 'decode', transactionId, ids: { fn } }, cause);
  }
  if (!check(value)) throw new LedgerError('BAD_RESPONSE', `${fn} returned JSON of an unexpected shape`, { stage: 'decode', transactionId, ids: { fn } });
  return value as T;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Shape check of a MeterRecord answer. */
export function isMeterRecord(value: unknown): value is MeterRecord {
  return isObject(value) && typeof value.meterId === 'string' && typeof value.publicKeyHex === 'string' && isObject(value.site) && typeof value.status === 'string';
}

/** Shape check of a MeasurementRecord answer. */
export function isMeasurementRecord(value: unknown): value is MeasurementRecord {
  return isObject(value) && typeof value.meterId === 'string' && typeof value.seq === 'string' && typeof value.verdict === 'string' && typeof value.txId === 'string';
}

/** Shape check of a page of measurement records. */
export function isMeasurementPage(value: unknown): value is Page<MeasurementRecord> {
  return isObject(value) && typeof value.bookmark === 'string' && Array.isArray(value.items) && value.items.every(isMeasurementRecord);
}

function isBatchItem(value: unknown): value is BatchItemResult {
  if (!isObject(value) || typeof value.index !== 'number') return false;
  if (value.status === 'recorded') return isMeasurementRecord(value.record);
  return value.status === 'refused' && typeof value.code === 'string' && typeof value.detail === 'string';
}

/** Shape check of a SubmitReadings answer. */
export function isBatchAnswer(value: unknown): value is { txId: string; results: BatchItemResult[] } {
  return isObject(value) && typeof value.txId === 'string' && Array.isArray(value.results) && value.results.every(isBatchItem);
}
