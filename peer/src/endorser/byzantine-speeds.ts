import { ledger } from '@hyperledger/fabric-protos';

/**
 * TEST ONLY fault injector for the auditor's fraud scenario: a peer whose organisation's MSP id
 * is in this variable (and `SPEEDLEDGER_ALLOW_BYZANTINE=1`, as for the orderer's Byzantine
 * switch) signs read/write sets whose accepted measurement records carry an altered speed.
 * Off unless both are set; a peer started with it logs so on every start.
 */
export const BYZANTINE_PEER_ENV = 'SPEEDLEDGER_TEST_BYZANTINE_PEER';
/** Centi-km/h the Byzantine peer subtracts from every accepted speed (default 1500 = 15 km/h). */
export const BYZANTINE_PEER_DELTA_ENV = 'SPEEDLEDGER_TEST_BYZANTINE_SPEED_DELTA';

const kv = ledger.rwset.kvrwset;

/**
 * The read/write set with every accepted measurement record's `speedCentiKmh` lowered by
 * `deltaCentiKmh` (key order kept, so the bytes stay canonical JSON); everything else unchanged.
 */
export function alterRecordedSpeeds(results: Uint8Array, deltaCentiKmh: number): Uint8Array {
  const set = ledger.rwset.TxReadWriteSet.deserializeBinary(results);
  for (const ns of set.getNsRwsetList()) {
    const rwset = kv.KVRWSet.deserializeBinary(ns.getRwset_asU8());
    let changed = false;
    for (const write of rwset.getWritesList()) {
      if (write.getIsDelete() || !write.getKey().startsWith('\u0000measurement\u0000')) continue;
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(Buffer.from(write.getValue_asU8()).toString('utf8')) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (record.verdict !== 'ACCEPTED' || typeof record.speedCentiKmh !== 'number') continue;
      record.speedCentiKmh = Math.max(0, record.speedCentiKmh - deltaCentiKmh);
      write.setValue(Buffer.from(JSON.stringify(record), 'utf8'));
      changed = true;
    }
    if (changed) ns.setRwset(rwset.serializeBinary());
  }
  return set.serializeBinary();
}
