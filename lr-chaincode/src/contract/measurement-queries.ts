import { canonicalJson } from './canonical-json.js';
import { ContractError } from './contract-error.js';
import type { LrContext } from './fabric-api.js';
import { INT64_END, INT64_MIN, meterTimeRange, violationRange } from './ledger-keys.js';
import { drainPage, parsePageSize, readJson } from './ledger-store.js';
import type { MeasurementRecord } from './measurement-record.js';
import { requireMeterId } from './meter-registry-contract.js';
import { measurementKey } from './reading-judge.js';

const INT_PATTERN = /^-?[0-9]{1,20}$/;

/** Parses an int64 µs time argument; '' means the open end given by `fallback`. */
export function parseTimeUs(text: string, name: string, fallback: bigint): bigint {
  if (text === '') return fallback;
  if (!INT_PATTERN.test(text)) throw new ContractError('INVALID_ARGUMENT', `${name} must be an integer (µs), got ${JSON.stringify(text)}`);
  const value = BigInt(text);
  if (value < INT64_MIN || value > INT64_END) throw new ContractError('INVALID_ARGUMENT', `${name} is outside int64`);
  return value;
}

/** Parses a sequence number argument (1..2^64-1). */
export function parseSeq(text: string): bigint {
  if (!/^[0-9]{1,20}$/.test(text)) throw new ContractError('INVALID_ARGUMENT', `seq must be a decimal integer, got ${JSON.stringify(text)}`);
  const seq = BigInt(text);
  if (seq < 1n || seq >= 1n << 64n) throw new ContractError('INVALID_ARGUMENT', 'seq must be in 1..2^64-1');
  return seq;
}

/** The record of (meterId, seq) or NOT_FOUND. */
export async function getMeasurement(ctx: LrContext, meterId: string, seqText: string): Promise<MeasurementRecord> {
  const seq = parseSeq(seqText);
  const record = await readJson<MeasurementRecord>(ctx, measurementKey(ctx, requireMeterId(meterId), seq));
  if (!record) throw new ContractError('NOT_FOUND', `no measurement ${meterId} seq ${seq}`, { meterId, seq: seq.toString() });
  return record;
}

async function pageOfPointers(ctx: LrContext, range: [string, string], pageSize: string, bookmark: string): Promise<string> {
  const page = await drainPage(ctx.stub.getStateByRangeWithPagination(range[0], range[1], parsePageSize(pageSize), bookmark), async (_key, value) => {
    const pointer = JSON.parse(Buffer.from(value).toString('utf8')) as { meterId: string; seq: string };
    return getMeasurement(ctx, pointer.meterId, pointer.seq);
  });
  return canonicalJson({ items: page.items, bookmark: page.bookmark });
}

/** A page of one meter's records with t0 in [fromUs, toUs) ('' = open), in time order. */
export function listByMeterAndTime(ctx: LrContext, meterId: string, fromUs: string, toUs: string, pageSize: string, bookmark: string): Promise<string> {
  const range = meterTimeRange(requireMeterId(meterId), parseTimeUs(fromUs, 'fromUs', INT64_MIN), parseTimeUs(toUs, 'toUs', INT64_END - 1n));
  return pageOfPointers(ctx, range, pageSize, bookmark);
}

/** A page of violation records (all meters) with t0 in [fromUs, toUs) ('' = open), in time order. */
export function listViolations(ctx: LrContext, fromUs: string, toUs: string, pageSize: string, bookmark: string): Promise<string> {
  const range = violationRange(parseTimeUs(fromUs, 'fromUs', INT64_MIN), parseTimeUs(toUs, 'toUs', INT64_END - 1n));
  return pageOfPointers(ctx, range, pageSize, bookmark);
}
