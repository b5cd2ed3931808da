import { generateKeyPairSync, ECDH } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { meterDifferences } from './meter-compare.js';

const site = { spacingMm: 1500, loopLengthMm: 2000, sampleRateHz: 10_000, speedLimitKmh: 60, location: { street: 'Av. Paulista', km: 1 } };

function p256Hex(): { uncompressed: string; compressed: string } {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const uncompressed = `04${Buffer.from(jwk.x!, 'base64url').toString('hex')}${Buffer.from(jwk.y!, 'base64url').toString('hex')}`;
  return { uncompressed, compressed: ECDH.convertKey(uncompressed, 'prime256v1', 'hex', 'hex', 'compressed') as string };
}

describe('meterDifferences (meter register against the ledger)', () => {
  const key = p256Hex();
  const ledger = { meterId: 'SP-000001', publicKeyHex: key.uncompressed, site, status: 'ACTIVE' };

  it('finds none for the same key (in either SEC1 form) and site (in any key order)', () => {
    expect(meterDifferences({ publicKeyHex: key.uncompressed, site }, ledger)).toEqual([]);
    const reordered = { location: { km: 1, street: 'Av. Paulista' }, speedLimitKmh: 60, sampleRateHz: 10_000, loopLengthMm: 2000, spacingMm: 1500 };
    expect(meterDifferences({ publicKeyHex: key.compressed.toUpperCase(), site: reordered }, ledger)).toEqual([]);
  });

  it('names a different key and each different site field', () => {
    const other = p256Hex();
    const differences = meterDifferences({ publicKeyHex: other.uncompressed, site: { ...site, speedLimitKmh: 80 } }, ledger);
    expect(differences).toEqual([
      `the ledger holds key ${key.uncompressed.slice(0, 16)}…, the fleet ${other.uncompressed.slice(0, 16)}…`,
      'site speedLimitKmh is 60 on the ledger, 80 in the fleet',
    ]);
  });
});
