import { describe, expect, it } from 'vitest';
import { LedgerError } from './ledger-error.js';
import {
  decodeEvent, decodeHistory, decodeSavepoint, decodeState, decodeTxIndex, encodeEvent, encodeHistory, encodeSavepoint, encodeState,
  encodeTxIndex,
} from './ledger-records.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

const cases = [
  { name: 'state', value: { value: bytes('v'), version: { blockNum: 3, txNum: 1 }, metadata: new Map([['VALIDATION_PARAMETER', bytes('p')]]) }, encode: encodeState, decode: decodeState },
  { name: 'history', value: { txId: 't', timestampMs: 1_700_000_000_123, isDelete: true, value: new Uint8Array() }, encode: encodeHistory, decode: decodeHistory },
  { name: 'tx index', value: { blockNum: 9, txNum: 2, code: 11 }, encode: encodeTxIndex, decode: decodeTxIndex },
  { name: 'savepoint', value: { height: 12, lastHash: new Uint8Array(32).fill(5) }, encode: encodeSavepoint, decode: decodeSavepoint },
  { name: 'event', value: { txId: 't', eventName: 'Reading', payload: bytes('{}') }, encode: encodeEvent, decode: decodeEvent },
].map((c) => ({ ...c, encoded: (c.encode as (v: unknown) => Uint8Array)(c.value), decode: c.decode as (b: Uint8Array) => unknown }));

describe('ledger records', () => {
  it.each(cases)('round-trips a $name record', ({ value, encoded, decode }) => {
    expect(decode(encoded)).toEqual(value);
  });

  it.each(cases)('refuses a truncated $name record as LEDGER_CORRUPT', ({ encoded, decode }) => {
    for (const cut of [1, 5, encoded.byteLength - 1]) {
      let error: unknown;
      try {
        decode(encoded.subarray(0, cut));
      } catch (e) {
        error = e;
      }
      expect(error, `cut at ${cut}`).toBeInstanceOf(LedgerError);
      expect((error as LedgerError).code).toBe('LEDGER_CORRUPT');
    }
  });

  it('keeps metadata names and values apart', () => {
    const metadata = new Map([['A', bytes('1')], ['B', new Uint8Array()]]);
    expect(decodeState(encodeState({ value: new Uint8Array(), version: { blockNum: 0, txNum: 0 }, metadata })).metadata).toEqual(metadata);
  });
});
