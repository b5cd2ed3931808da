import { parseMeterPublicKey, type MeterPublicKey } from '@speedledger/lr-chaincode/core';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../reading/reading-identity.js';
import { smallDataset } from '../test-support/readings.js';
import { decodeAtEdge, judgeAtEdge, type EdgeMeter } from './edge-verdict.js';

const { dataset, readings } = smallDataset(2, 4, 55);
function meterOf(index: number, status: EdgeMeter['status'] = 'ACTIVE'): EdgeMeter {
  const m = dataset.fleet.meters[index]!;
  return { meterId: m.meterId, status, key: parseMeterPublicKey(m.publicKeyHex) as MeterPublicKey };
}

describe('edge verdict', () => {
  const r = readings.find((x) => x.truth.meterId === dataset.fleet.meters[0]!.meterId)!;
  const decoded = decodeAtEdge(r.bytes);
  if (!decoded.ok) throw new Error(decoded.detail);

  it('accepts a validly signed reading of an active meter, with its identity', () => {
    const verdict = judgeAtEdge(decoded.reading, meterOf(0));
    expect(verdict).toMatchObject({ ok: true, identity: { meterId: r.truth.meterId, seq: String(r.truth.seq), rawSha256: sha256Hex(r.bytes) } });
  });

  it('refuses with the DLR1 reason: unknown meter, revoked meter, signature by another key', () => {
    expect(judgeAtEdge(decoded.reading, undefined)).toMatchObject({ ok: false, code: 'UNKNOWN_METER', meterId: r.truth.meterId });
    expect(judgeAtEdge(decoded.reading, meterOf(0, 'REVOKED'))).toMatchObject({ ok: false, code: 'REVOKED_METER' });
    const wrongKey = { ...meterOf(1), meterId: r.truth.meterId };
    expect(judgeAtEdge(decoded.reading, wrongKey)).toMatchObject({ ok: false, code: 'BAD_SIGNATURE', seq: String(r.truth.seq) });
  });

  it('calls anything that is not DLR1 MALFORMED', () => {
    expect(decodeAtEdge(new Uint8Array(10))).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(decodeAtEdge(r.bytes.subarray(0, r.bytes.length - 1))).toMatchObject({ ok: false, code: 'MALFORMED' });
  });
});
