import { DLR1, decodeAndVerify, parseMeterPublicKey, type MeterPublicKey } from '@speedledger/lr-chaincode/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeSignedDlr1 } from './dlr1-encode.js';
import { deriveMeterSigner } from './meter-signer.js';
import { propertyRuns } from '../test-support/property-runs.js';

const signer = deriveMeterSigner('mutation', 'SP-000042');
const parsed = parseMeterPublicKey(signer.publicKeyHex);
if ('ok' in parsed) throw new Error(parsed.detail);
const key: MeterPublicKey = parsed;

/** A handful of valid readings of different sizes, signed once. */
const originals: Uint8Array[] = [16, 17, 40, 129].map((n, k) => {
  const loopA = new Uint16Array(n).map((_, i) => (30_000 + 97 * i * (k + 1)) & 0xffff);
  const loopB = new Uint16Array(n).map((_, i) => (21_000 + 13 * i * i) & 0xffff);
  const evidenceSha256 = k % 2 === 1 ? new Uint8Array(32).fill(7 + k) : undefined;
  return encodeSignedDlr1({ meterId: signer.meterId, seq: BigInt(k + 1), t0Us: 1_772_425_290_159_306n + BigInt(k), sampleRateHz: 1000, loopA, loopB, evidenceSha256 }, signer);
});

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The property: never throws, never accepts anything but the signed original. */
function checkMutant(original: Uint8Array, mutant: Uint8Array): void {
  let result: ReturnType<typeof decodeAndVerify>;
  expect(() => (result = decodeAndVerify(mutant, key))).not.toThrow();
  if (sameBytes(original, mutant)) {
    expect(result!.ok).toBe(true);
    return;
  }
  expect(result!.ok).toBe(false);
  if (!result!.ok) expect(['MALFORMED', 'BAD_SIGNATURE']).toContain(result!.reason);
}

const original = fc.integer({ min: 0, max: originals.length - 1 }).map((i) => originals[i]!);

/** Header fields as (offset, width) pairs: the parts an attacker would most like to edit. */
const HEADER_FIELDS: ReadonlyArray<readonly [number, number]> = [
  [DLR1.OFFSET_MAGIC, 4],
  [DLR1.OFFSET_VERSION, 1],
  [DLR1.OFFSET_CHANNELS, 1],
  [DLR1.OFFSET_FLAGS, 2],
  [DLR1.OFFSET_METER_ID, DLR1.METER_ID_BYTES],
  [DLR1.OFFSET_SEQ, 8],
  [DLR1.OFFSET_T0_US, 8],
  [DLR1.OFFSET_SAMPLE_RATE, 4],
  [DLR1.OFFSET_N, 4],
  [DLR1.OFFSET_EVIDENCE, DLR1.EVIDENCE_BYTES],
];

describe('DLR1 mutations of signed readings', () => {
  it('accepts the unmodified originals', () => {
    for (const bytes of originals) expect(decodeAndVerify(bytes, key).ok).toBe(true);
  });

  it('rejects bit flips anywhere', () => {
    fc.assert(
      fc.property(original, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (bytes, flips) => {
        const mutant = bytes.slice();
        for (const f of flips) mutant[Math.floor(f / 8) % mutant.length]! ^= 1 << f % 8;
        checkMutant(bytes, mutant);
      }),
      propertyRuns(400),
    );
  });

  it('rejects truncations and extensions', () => {
    fc.assert(
      fc.property(original, fc.nat(), (bytes, cut) => {
        checkMutant(bytes, bytes.subarray(0, cut % bytes.length));
      }),
      propertyRuns(200),
    );
    fc.assert(
      fc.property(original, fc.uint8Array({ minLength: 1, maxLength: 80 }), (bytes, tail) => {
        const mutant = new Uint8Array(bytes.length + tail.length);
        mutant.set(bytes);
        mutant.set(tail, bytes.length);
        checkMutant(bytes, mutant);
      }),
      propertyRuns(200),
    );
  });

  it('rejects edited header fields, including n edited to match a truncated body', () => {
    fc.assert(
      fc.property(original, fc.integer({ min: 0, max: HEADER_FIELDS.length - 1 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes, field, value) => {
        const [offset, width] = HEADER_FIELDS[field]!;
        const mutant = bytes.slice();
        mutant.set(value.subarray(0, width), offset);
        checkMutant(bytes, mutant);
      }),
      propertyRuns(400),
    );
    fc.assert(
      fc.property(original, fc.integer({ min: DLR1.MIN_SAMPLES, max: 200 }), (bytes, n) => {
        // A consistent-looking reading: n rewritten and the length made to fit it.
        const mutant = new Uint8Array(144 + 4 * n);
        mutant.set(bytes.subarray(0, Math.min(bytes.length, mutant.length)));
        new DataView(mutant.buffer).setUint32(DLR1.OFFSET_N, n);
        checkMutant(bytes, mutant);
      }),
      propertyRuns(200),
    );
  });

  it('rejects the high-S twin of a valid signature', () => {
    const bytes = originals[0]!;
    const mutant = bytes.slice();
    const sOffset = bytes.length - 32;
    let s = 0n;
    for (const b of bytes.subarray(sOffset)) s = (s << 8n) | BigInt(b);
    let twin = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n - s;
    for (let i = 31; i >= 0; i--, twin >>= 8n) mutant[sOffset + i] = Number(twin & 0xffn);
    checkMutant(bytes, mutant);
  });
});
