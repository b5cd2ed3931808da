import '../test-support/quiet-logs.js';
import { describe, expect, it } from 'vitest';
import { expectOk, payloadJson, startTestNetwork } from '../test-support/test-network.js';
import { createTestMeter } from '../test-support/test-meter.js';
import { parseContractError } from './contract-error.js';
import { summarisePolicy } from './endorsement-policy.js';
import { contracts } from './index.js';
import type { MeterRecord } from './meter-record.js';

const site = { spacingMm: 3600, loopLengthMm: 1800, sampleRateHz: 1000, speedLimitKmh: 60, location: 'Av. Paulista 1000, faixa 2' };
const siteJson = JSON.stringify(site);

describe('MeterRegistry', () => {
  it('lets registrars of notified bodies register (attribute or OU) and puts a k-of-n key-level policy on the meter', async () => {
    const { harness, ids } = await startTestNetwork({ contracts, quorum: 2 });
    const m1 = createTestMeter('SP-0001');
    const byAttr = expectOk(await harness.submit(ids.inmetroRegistrar, 'MeterRegistry:RegisterMeter', ['SP-0001', m1.publicKeyHex, siteJson]));
    const record = payloadJson<MeterRecord>(byAttr);
    expect(record).toMatchObject({ meterId: 'SP-0001', publicKeyHex: m1.publicKeyHex, site, status: 'ACTIVE', registeredBy: { mspId: 'InmetroMSP' } });
    expect(byAttr.event?.name).toBe('MeterRegistered');
    const policyWrite = byAttr.rwset.metadataWrites.find((w) => w.name === 'VALIDATION_PARAMETER');
    expect(policyWrite).toBeDefined();
    expect(summarisePolicy(policyWrite!.value)).toEqual({ required: 2, mspIds: ['InmetroMSP', 'PTBMSP'], roles: [3, 3] });

    const m2 = createTestMeter('SP-0002');
    expectOk(await harness.submit(ids.ptbRegistrar, 'MeterRegistry:RegisterMeter', ['SP-0002', m2.publicKeyHex, siteJson]));
    const stored = harness.ledger.metadata(harness.ledger.keys().find((k) => k.includes('SP-0002'))!);
    expect(summarisePolicy(stored.get('VALIDATION_PARAMETER')!).required).toBe(2);
  });

  it('lowers N to the quorum when fewer bodies than all must endorse', async () => {
    const { harness, ids } = await startTestNetwork({ contracts, quorum: 1 });
    const m = createTestMeter('SP-0003');
    const result = expectOk(await harness.submit(ids.inmetroRegistrar, 'MeterRegistry:RegisterMeter', ['SP-0003', m.publicKeyHex, siteJson]));
    expect(summarisePolicy(result.rwset.metadataWrites[0]!.value)).toMatchObject({ required: 1, mspIds: ['InmetroMSP', 'PTBMSP'] });
  });

  it('refuses non-registrars, other organisations and calls before governance (FORBIDDEN / NOT_INITIALISED, nothing written)', async () => {
    const { harness, ids } = await startTestNetwork({ contracts });
    const m = createTestMeter('SP-0004');
    for (const who of [ids.inmetroClerk, ids.cityOperator, ids.cityRegistrar]) {
      const result = await harness.submit(who, 'MeterRegistry:RegisterMeter', ['SP-0004', m.publicKeyHex, siteJson]);
      expect(parseContractError(result.message)?.code, who.name).toBe('FORBIDDEN');
      expect(result.rwset.writes).toEqual([]);
    }
    const fresh = await startTestNetwork({ contracts, initialise: false });
    const early = await fresh.harness.submit(fresh.ids.inmetroRegistrar, 'MeterRegistry:RegisterMeter', ['SP-0004', m.publicKeyHex, siteJson]);
    expect(parseContractError(early.message)?.code).toBe('NOT_INITIALISED');
  });

  it.each([
    ['a bad meter id', 'SP 0005', 'key', siteJson],
    ['a key that is not a point', 'SP-0005', '04' + '00'.repeat(64), siteJson],
    ['a key that is not hex', 'SP-0005', 'zz', siteJson],
    ['site JSON that does not parse', 'SP-0005', 'key', '{'],
    ['an out-of-range spacing', 'SP-0005', 'key', JSON.stringify({ ...site, spacingMm: 1 })],
  ])('refuses %s with INVALID_ARGUMENT', async (_name, meterId, key, siteText) => {
    const { harness, ids } = await startTestNetwork({ contracts });
    const publicKey = key === 'key' ? createTestMeter('SP-0005').publicKeyHex : key;
    const result = await harness.submit(ids.inmetroRegistrar, 'MeterRegistry:RegisterMeter', [meterId, publicKey, siteText]);
    expect(parseContractError(result.message)?.code).toBe('INVALID_ARGUMENT');
    expect(result.rwset.writes).toEqual([]);
  });

  it('refuses a second registration, revokes once, and keeps the full event log', async () => {
    const { harness, ids } = await startTestNetwork({ contracts });
    const m = createTestMeter('SP-0006');
    const reg = expectOk(await harness.submit(ids.inmetroRegistrar, 'MeterRegistry:RegisterMeter', ['SP-0006', m.publicKeyHex, siteJson]));
    const dup = await harness.submit(ids.ptbRegistrar, 'MeterRegistry:RegisterMeter', ['SP-0006', m.publicKeyHex, siteJson]);
    expect(parseContractError(dup.message)?.code).toBe('ALREADY_EXISTS');

    const forbidden = await harness.submit(ids.cityOperator, 'MeterRegistry:RevokeMeter', ['SP-0006', 'seal broken']);
    expect(parseContractError(forbidden.message)?.code).toBe('FORBIDDEN');
    const revoke = expectOk(await harness.submit(ids.ptbRegistrar, 'MeterRegistry:RevokeMeter', ['SP-0006', 'seal broken']));
    expect(payloadJson<MeterRecord>(revoke)).toMatchObject({ status: 'REVOKED', revocationReason: 'seal broken', revokedBy: { mspId: 'PTBMSP' } });
    expect(revoke.event?.name).toBe('MeterRevoked');
    const twice = await harness.submit(ids.ptbRegistrar, 'MeterRegistry:RevokeMeter', ['SP-0006', 'again']);
    expect(parseContractError(twice.message)?.code).toBe('REVOKED_METER');
    const noReason = await harness.submit(ids.ptbRegistrar, 'MeterRegistry:RevokeMeter', ['SP-0006', ' ']);
    expect(parseContractError(noReason.message)?.code).toBe('INVALID_ARGUMENT');

    const history = payloadJson<{ entries: { txId: string; at: string; record: MeterRecord }[] }>(
      expectOk(await harness.evaluate(ids.cityOperator, 'MeterRegistry:GetMeterHistory', ['SP-0006'])),
    );
    expect(history.entries.map((e) => e.txId)).toEqual([revoke.txId, reg.txId]);
    expect(history.entries.map((e) => e.record.status)).toEqual(['REVOKED', 'ACTIVE']);
    expect(Date.parse(history.entries[0]!.at)).toBeGreaterThan(Date.parse(history.entries[1]!.at));

    const missing = await harness.evaluate(ids.cityOperator, 'MeterRegistry:GetMeter', ['SP-9999']);
    expect(parseContractError(missing.message)?.code).toBe('NOT_FOUND');
    const noHistory = await harness.evaluate(ids.cityOperator, 'MeterRegistry:GetMeterHistory', ['SP-9999']);
    expect(parseContractError(noHistory.message)?.code).toBe('NOT_FOUND');
  });

  it('lists meters in pages with a bookmark', async () => {
    const { harness, ids } = await startTestNetwork({ contracts });
    const meterIds = ['SP-0010', 'SP-0011', 'SP-0012', 'SP-0013', 'SP-0014'];
    for (const id of meterIds) expectOk(await harness.submit(ids.inmetroRegistrar, 'MeterRegistry:RegisterMeter', [id, createTestMeter(id).publicKeyHex, siteJson]));
    const seen: string[] = [];
    let bookmark = '';
    let pages = 0;
    do {
      const page = payloadJson<{ items: MeterRecord[]; bookmark: string }>(expectOk(await harness.evaluate(ids.cityOperator, 'MeterRegistry:ListMeters', ['2', bookmark])));
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((m) => m.meterId));
      bookmark = page.bookmark;
      pages++;
    } while (bookmark !== '' && pages < 10);
    expect(seen).toEqual(meterIds);
    expect(pages).toBe(3);
    const bad = await harness.evaluate(ids.cityOperator, 'MeterRegistry:ListMeters', ['0', '']);
    expect(parseContractError(bad.message)?.code).toBe('INVALID_ARGUMENT');
  });
});
