import '../test-support/quiet-logs.js';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { P256_HALF_ORDER, P256_ORDER, bigIntToBytes, bytesToBigInt } from '../core/index.js';
import { createTestMeter } from '../test-support/test-meter.js';
import { expectOk, payloadJson, startTestNetwork } from '../test-support/test-network.js';
import { parseContractError } from './contract-error.js';
import { contracts } from './index.js';

const site = JSON.stringify({ spacingMm: 3600, loopLengthMm: 1800, sampleRateHz: 1000, speedLimitKmh: 60, location: 'x' });

describe('SignatureService', () => {
  it('verifies signatures under a registered key (true/false) and logs a check on the ledger', async () => {
    const { harness, ids } = await startTestNetwork({ contracts, quorum: 1 });
    const meter = createTestMeter('SP-SIG');
    expectOk(await harness.submit(ids.inmetroRegistrar, 'MeterRegistry:RegisterMeter', ['SP-SIG', meter.publicKeyHex, site]));
    // A DLR1 reading's signature is over its first 80+4n bytes: reuse one as signed data.
    const reading = meter.reading({ seq: 1n, t0Us: 0n, sampleRateHz: 1000, loopA: new Uint16Array(16), loopB: new Uint16Array(16) });
    const data = Buffer.from(reading.subarray(0, reading.length - 64));
    const signature = Buffer.from(reading.subarray(reading.length - 64)).toString('hex');

    const ok = expectOk(await harness.evaluate(ids.cityOperator, 'SignatureService:VerifySignature', ['SP-SIG', data.toString('base64'), signature]));
    expect(ok.payload.toString()).toBe('true');
    expect(ok.rwset.writes).toEqual([]);
    const other = Buffer.from(data);
    other[0]! ^= 1;
    expect(expectOk(await harness.evaluate(ids.cityOperator, 'SignatureService:VerifySignature', ['SP-SIG', other.toString('base64'), signature])).payload.toString()).toBe('false');
    // The high-S twin is a valid ECDSA signature, but DLR1 refuses it.
    const s = bytesToBigInt(Buffer.from(signature.slice(64), 'hex'));
    const highS = signature.slice(0, 64) + Buffer.from(bigIntToBytes(P256_ORDER - s, 32)).toString('hex');
    expect(s <= P256_HALF_ORDER).toBe(true);
    expect(expectOk(await harness.evaluate(ids.cityOperator, 'SignatureService:VerifySignature', ['SP-SIG', data.toString('base64'), highS])).payload.toString()).toBe('false');

    const logged = expectOk(await harness.submit(ids.cityOperator, 'SignatureService:LogSignatureCheck', ['SP-SIG', data.toString('base64'), signature]));
    expect(payloadJson(logged)).toMatchObject({ meterId: 'SP-SIG', valid: true, dataSha256: createHash('sha256').update(data).digest('hex'), checkedBy: { mspId: 'CityOperatorMSP' }, txId: logged.txId });
    expect(logged.rwset.writes).toHaveLength(1);
    expect(logged.event?.name).toBe('SignatureChecked');
  });

  it('refuses unknown meters and malformed arguments', async () => {
    const { harness, ids } = await startTestNetwork({ contracts, quorum: 1 });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sig = sign('sha256', Buffer.from('x'), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('hex');
    const unknown = await harness.evaluate(ids.cityOperator, 'SignatureService:VerifySignature', ['SP-NONE', 'eA==', sig]);
    expect(parseContractError(unknown.message)?.code).toBe('UNKNOWN_METER');
    for (const args of [
      ['SP-NONE', '***', sig],
      ['SP-NONE', 'eA==', 'abcd'],
      ['bad id!', 'eA==', sig],
    ]) {
      const result = await harness.submit(ids.cityOperator, 'SignatureService:LogSignatureCheck', args);
      expect(parseContractError(result.message)?.code, args.join(',')).toBe('INVALID_ARGUMENT');
      expect(result.rwset.writes).toEqual([]);
    }
  });
});
