import { ledger } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import { alterRecordedSpeeds } from './byzantine-speeds.js';

const kv = ledger.rwset.kvrwset;

function resultsWith(writes: { key: string; value: string }[]): Uint8Array {
  const rwset = new kv.KVRWSet();
  rwset.setWritesList(writes.map(({ key, value }) => {
    const w = new kv.KVWrite();
    w.setKey(key);
    w.setValue(Buffer.from(value));
    return w;
  }));
  const ns = new ledger.rwset.NsReadWriteSet();
  ns.setNamespace('lr-chaincode');
  ns.setRwset(rwset.serializeBinary());
  const set = new ledger.rwset.TxReadWriteSet();
  set.setNsRwsetList([ns]);
  return set.serializeBinary();
}

function writesOf(results: Uint8Array): string[] {
  const set = ledger.rwset.TxReadWriteSet.deserializeBinary(results);
  return kv.KVRWSet.deserializeBinary(set.getNsRwsetList()[0]!.getRwset_asU8()).getWritesList().map((w) => Buffer.from(w.getValue_asU8()).toString());
}

describe('alterRecordedSpeeds (the fraud scenario switch)', () => {
  it('lowers accepted measurement speeds, keeps key order, leaves invalidated records and other keys alone', () => {
    const accepted = '{"reason":null,"speedCentiKmh":6543,"verdict":"ACCEPTED"}';
    const invalidated = '{"reason":"NO_VEHICLE","speedCentiKmh":null,"verdict":"INVALIDATED"}';
    const index = '{"meterId":"SP-1","seq":"1"}';
    const results = resultsWith([
      { key: '\u0000measurement\u0000SP-1\u000000000000000000000001\u0000', value: accepted },
      { key: '\u0000measurement\u0000SP-1\u000000000000000000000002\u0000', value: invalidated },
      { key: 'idx:t:SP-1:x:1', value: index },
    ]);
    expect(writesOf(alterRecordedSpeeds(results, 1500))).toEqual(['{"reason":null,"speedCentiKmh":5043,"verdict":"ACCEPTED"}', invalidated, index]);
  });
});
