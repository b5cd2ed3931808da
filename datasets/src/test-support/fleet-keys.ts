import { parseMeterPublicKey, type MeterPublicKey } from '@speedledger/lr-chaincode/core';
import type { Fleet } from '../fleet/fleet.js';

/** Parsed public keys of a fleet, by meter id; throws on a key that does not parse. */
export function fleetKeys(fleet: Fleet): Map<string, MeterPublicKey> {
  const keys = new Map<string, MeterPublicKey>();
  for (const m of fleet.meters) {
    const key = parseMeterPublicKey(m.publicKeyHex);
    if ('ok' in key) throw new Error(`key of ${m.meterId}: ${key.detail}`);
    keys.set(m.meterId, key);
  }
  return keys;
}
