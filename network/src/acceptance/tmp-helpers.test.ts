import { it, expect } from 'vitest';
import { decodeAndVerify, decodeDlr1, parseMeterPublicKey } from '@speedledger/lr-chaincode/core';
import { fleetShares, forge, expectedOutcome, missingPrerequisite, freePortBlock } from './test-support/acceptance-support.js';
it('helpers', async () => {
  const t0 = Date.now();
  const { shares, unregistered } = fleetShares(2, 2, 5, 20_260_302);
  console.log('gen ms', Date.now() - t0, shares.map((s) => s.readings.length), unregistered.truth.meterId, missingPrerequisite(), await freePortBlock(40, 1));
  for (const share of shares) for (const r of share.readings) {
    const meter = share.meters.find((m) => m.meterId === r.truth.meterId)!;
    const key = parseMeterPublicKey(meter.publicKeyHex) as never;
    expect(decodeAndVerify(r.bytes, key).ok).toBe(true);
    const f = decodeAndVerify(forge(r.bytes), key);
    expect(f.ok).toBe(false);
    expect((f as { reason: string }).reason).toBe('BAD_SIGNATURE');
    console.log(r.truth.meterId, r.truth.seq, JSON.stringify(expectedOutcome(r.bytes, meter)), r.truth.referenceSpeedKmh);
  }
  expect(decodeDlr1(unregistered.bytes).ok).toBe(true);
});
