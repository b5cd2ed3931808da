import { deriveMeterSigner, encodeSignedDlr1 } from '@speedledger/datasets';
import { MAX_BATCH as CHAINCODE_MAX_BATCH } from '@speedledger/lr-chaincode/contract';
import { decodeDlr1 } from '@speedledger/lr-chaincode/core';
import { describe, expect, it } from 'vitest';
import {
  decodeJson, isMeterRecord, listMeasurementsArgs, listViolationsArgs, MAX_BATCH, MAX_BATCH_BYTES, registerMeterArgs, splitIntoBatches, submitReadingArgs,
  submitReadingsArgs,
} from './contract-calls.js';
import { LedgerError } from './errors/ledger-error.js';

function reading(seq: bigint): Uint8Array {
  const signer = deriveMeterSigner('contract-calls', 'SP-0001');
  return encodeSignedDlr1({ meterId: 'SP-0001', seq, t0Us: 1_700_000_000_000_000n, sampleRateHz: 10_000, loopA: new Uint16Array(64).fill(100), loopB: new Uint16Array(64).fill(200) }, signer);
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LedgerError);
    return (error as LedgerError).code;
  }
  throw new Error('expected a LedgerError');
}

describe('argument encoding', () => {
  it('keeps the chaincode batch limit', () => {
    expect(MAX_BATCH).toBe(CHAINCODE_MAX_BATCH);
  });

  it('passes a reading as its raw bytes, unchanged', () => {
    const bytes = reading(1n);
    const [arg] = submitReadingArgs(bytes);
    expect(arg).toBe(bytes);
  });

  it('encodes a batch as a JSON array of canonical base64 that decodes back to the same readings', () => {
    const batch = [reading(1n), reading(2n).subarray(0)];
    const [json] = submitReadingsArgs(batch);
    const items = JSON.parse(json as string) as string[];
    expect(items).toHaveLength(2);
    const decoded = items.map((item) => decodeDlr1(Buffer.from(item, 'base64')));
    expect(decoded.map((d) => (d.ok ? d.reading.seq : null))).toEqual([1n, 2n]);
    for (const item of items) expect(Buffer.from(item, 'base64').toString('base64')).toBe(item);
  });

  it('encodes a byte view at an offset by its own bytes only', () => {
    const full = reading(3n);
    const padded = new Uint8Array(full.length + 10);
    padded.set(full, 5);
    const [json] = submitReadingsArgs([padded.subarray(5, 5 + full.length)]);
    expect(Buffer.from((JSON.parse(json as string) as string[])[0]!, 'base64')).toEqual(Buffer.from(full));
  });

  it('refuses empty, oversized and non-byte batches and readings', () => {
    expect(codeOf(() => submitReadingsArgs([]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => submitReadingsArgs(Array.from({ length: MAX_BATCH + 1 }, () => new Uint8Array(1))))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => submitReadingsArgs(['x' as unknown as Uint8Array]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => submitReadingArgs(new Uint8Array(0)))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => submitReadingArgs('DLR1' as unknown as Uint8Array))).toBe('INVALID_ARGUMENT');
  });

  it('sends site parameters as JSON and refuses a missing site', () => {
    const site = { spacingMm: 3600, loopLengthMm: 1800, sampleRateHz: 10_000, speedLimitKmh: 60, location: 'Av. Paulista' };
    const args = registerMeterArgs('SP-0001', 'ab', site);
    expect(JSON.parse(args[2] as string)).toEqual(site);
    expect(codeOf(() => registerMeterArgs('SP-0001', 'ab', null as never))).toBe('INVALID_ARGUMENT');
  });

  it('turns open windows and default paging into the chaincode’s empty strings and default size', () => {
    expect(listMeasurementsArgs('SP-0001')).toEqual(['SP-0001', '', '', '100', '']);
    expect(listViolationsArgs({ fromUs: -5n, toUs: 10n }, { pageSize: 7, bookmark: 'bm' })).toEqual(['-5', '10', '7', 'bm']);
    expect(codeOf(() => listViolationsArgs({}, { pageSize: 0 }))).toBe('INVALID_ARGUMENT');
  });
});

describe('batch byte bound', () => {
  const sized = (bytes: number, fill: number): Uint8Array => new Uint8Array(bytes).fill(fill);

  it('refuses a batch whose readings exceed MAX_BATCH_BYTES, naming the size, and accepts one at the bound', () => {
    const half = MAX_BATCH_BYTES / 2;
    expect(() => submitReadingsArgs([sized(half, 1), sized(half, 2)])).not.toThrow();
    let caught: unknown;
    try {
      submitReadingsArgs([sized(half, 1), sized(half + 1, 2)]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LedgerError);
    expect((caught as LedgerError).code).toBe('INVALID_ARGUMENT');
    expect((caught as LedgerError).message).toContain(String(MAX_BATCH_BYTES + 1));
    expect(codeOf(() => submitReadingsArgs([sized(MAX_BATCH_BYTES + 1, 3)]))).toBe('INVALID_ARGUMENT');
  });

  it('splits in order into batches bounded by count and by bytes, losing nothing', () => {
    const readings = Array.from({ length: 250 }, (_, i) => sized(i % 7 === 0 ? 300_000 : 6_000, i % 256));
    const batches = splitIntoBatches(readings);
    const flat = batches.flat();
    expect(flat.length).toBe(readings.length);
    flat.forEach((reading, i) => expect(reading).toBe(readings[i]));
    for (const batch of batches) {
      expect(batch.length).toBeGreaterThanOrEqual(1);
      expect(batch.length).toBeLessThanOrEqual(MAX_BATCH);
      expect(batch.reduce((n, r) => n + r.byteLength, 0)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
      expect(() => submitReadingsArgs(batch)).not.toThrow();
    }
    // Greedy and consecutive: each batch but the last was closed because the next reading did not fit.
    for (let i = 0; i + 1 < batches.length; i += 1) {
      const bytes = batches[i]!.reduce((n, r) => n + r.byteLength, 0);
      expect(batches[i]!.length === MAX_BATCH || bytes + batches[i + 1]![0]!.byteLength > MAX_BATCH_BYTES).toBe(true);
    }
  });

  it('honours smaller caps and refuses impossible ones', () => {
    const readings = Array.from({ length: 10 }, (_, i) => sized(100, i));
    expect(splitIntoBatches(readings, 3).map((b) => b.length)).toEqual([3, 3, 3, 1]);
    expect(splitIntoBatches(readings, 100, 250).map((b) => b.length)).toEqual([2, 2, 2, 2, 2]);
    expect(codeOf(() => splitIntoBatches(readings, 0))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => splitIntoBatches(readings, MAX_BATCH + 1))).toBe('INVALID_ARGUMENT');
    expect(splitIntoBatches([])).toEqual([]);
    const records = [{ raw: sized(200, 1) }, { raw: sized(100, 2) }, { raw: sized(100, 3) }];
    expect(splitIntoBatches(records, 100, 250, (r) => r.raw.byteLength)).toEqual([[records[0]], [records[1], records[2]]]);
  });
});

describe('decodeJson', () => {
  it('refuses non-JSON and JSON of the wrong shape as BAD_RESPONSE', () => {
    expect(codeOf(() => decodeJson(Buffer.from('not json'), 'GetMeter', isMeterRecord))).toBe('BAD_RESPONSE');
    expect(codeOf(() => decodeJson(Buffer.from('{"meterId":1}'), 'GetMeter', isMeterRecord))).toBe('BAD_RESPONSE');
  });
});
