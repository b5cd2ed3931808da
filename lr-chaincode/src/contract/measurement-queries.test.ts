import '../test-support/quiet-logs.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatePass } from '../core/test-support/loop-signal-generator.js';
import type { ChaincodeHarness } from '../test-support/chaincode-harness.js';
import { createTestMeter } from '../test-support/test-meter.js';
import { expectOk, payloadJson, startTestNetwork, type TestIdentities } from '../test-support/test-network.js';
import { parseContractError } from './contract-error.js';
import { contracts } from './index.js';
import type { MeasurementRecord } from './measurement-record.js';

const site = { spacingMm: 3600, loopLengthMm: 1800, sampleRateHz: 1000, speedLimitKmh: 60, location: 'Rua Augusta' };
const T0 = 1_772_366_400_000_000n;
// Speeds per seq: 90 and 110 km/h are violations at a 60 km/h limit, the others are not.
const SPEEDS = [40, 90, 50, 110, 45, 55];

type Page = { items: MeasurementRecord[]; bookmark: string };

describe('measurement queries (key-range scans)', () => {
  let harness: ChaincodeHarness;
  let ids: TestIdentities;

  beforeAll(async () => {
    ({ harness, ids } = await startTestNetwork({ contracts, quorum: 1 }));
    for (const meterId of ['SP-A', 'SP-B']) {
      const meter = createTestMeter(meterId);
      expectOk(await harness.submit(ids.inmetroRegistrar, 'MeterRegistry:RegisterMeter', [meterId, meter.publicKeyHex, JSON.stringify(site)]));
      // Submitted out of time order: queries must come back in time order anyway.
      const order = [3, 0, 5, 1, 4, 2];
      const batch = order.map((i) => {
        const p = generatePass({ seed: 200 + i, speedKmh: SPEEDS[i]!, cls: 'car' });
        return Buffer.from(meter.reading({ seq: BigInt(i + 1), t0Us: T0 + BigInt(i) * 10_000_000n, sampleRateHz: p.sampleRateHz, loopA: p.loopA, loopB: p.loopB })).toString('base64');
      });
      expectOk(await harness.submit(ids.cityOperator, 'SpeedMeasurement:SubmitReadings', [JSON.stringify(batch)]));
    }
  });

  async function allPages(fn: string, args: string[], pageSize: string): Promise<{ items: MeasurementRecord[]; pages: number }> {
    const items: MeasurementRecord[] = [];
    let bookmark = '';
    let pages = 0;
    do {
      const page = payloadJson<Page>(expectOk(await harness.evaluate(ids.cityOperator, fn, [...args, pageSize, bookmark])));
      items.push(...page.items);
      bookmark = page.bookmark;
      pages++;
    } while (bookmark !== '' && pages < 20);
    return { items, pages };
  }

  it('gets one measurement by (meterId, seq), NOT_FOUND or INVALID_ARGUMENT otherwise', async () => {
    const record = payloadJson<MeasurementRecord>(expectOk(await harness.evaluate(ids.cityOperator, 'SpeedMeasurement:GetMeasurement', ['SP-B', '4'])));
    expect(record).toMatchObject({ meterId: 'SP-B', seq: '4', t0Us: (T0 + 30_000_000n).toString(), verdict: 'ACCEPTED', violation: true });
    const missing = await harness.evaluate(ids.cityOperator, 'SpeedMeasurement:GetMeasurement', ['SP-B', '99']);
    expect(parseContractError(missing.message)?.code).toBe('NOT_FOUND');
    for (const seq of ['0', '-1', 'x', '18446744073709551616']) {
      const bad = await harness.evaluate(ids.cityOperator, 'SpeedMeasurement:GetMeasurement', ['SP-B', seq]);
      expect(parseContractError(bad.message)?.code, seq).toBe('INVALID_ARGUMENT');
    }
  });

  it('lists one meter in time order across pages, and only within [from, to)', async () => {
    const all = await allPages('SpeedMeasurement:ListMeasurements', ['SP-A', '', ''], '4');
    expect(all.items.map((r) => r.seq)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(all.items.every((r) => r.meterId === 'SP-A')).toBe(true);
    expect(all.pages).toBe(2);
    const window = await allPages('SpeedMeasurement:ListMeasurements', ['SP-A', (T0 + 10_000_000n).toString(), (T0 + 40_000_000n).toString()], '2');
    expect(window.items.map((r) => r.seq)).toEqual(['2', '3', '4']);
  });

  it('lists violations of all meters in time order', async () => {
    const violations = await allPages('SpeedMeasurement:ListViolations', ['', ''], '3');
    expect(violations.items.map((r) => `${r.meterId}/${r.seq}`)).toEqual(['SP-A/2', 'SP-B/2', 'SP-A/4', 'SP-B/4']);
    expect(violations.items.every((r) => r.violation && r.consideredSpeedCentiKmh! > 6000)).toBe(true);
  });

  it('refuses bad query arguments with INVALID_ARGUMENT', async () => {
    for (const args of [
      ['SP-A', 'soon', '', '10', ''],
      ['SP-A', '', '', '0', ''],
      ['SP-A', '', '', '1000', ''],
      ['bad id!', '', '', '10', ''],
    ]) {
      const result = await harness.evaluate(ids.cityOperator, 'SpeedMeasurement:ListMeasurements', args);
      expect(parseContractError(result.message)?.code, args.join(',')).toBe('INVALID_ARGUMENT');
    }
  });
});
