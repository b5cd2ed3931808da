import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeAndVerify } from './decode-and-verify.js';
import { decodeDlr1 } from './dlr1-decode.js';
import { DLR1, dlr1Length } from './dlr1-layout.js';
import { parseMeterPublicKey, type MeterPublicKey } from './meter-public-key.js';
import { P256_ORDER, bigIntToBytes, bytesToBigInt } from './p256.js';

const dir = fileURLToPath(new URL('../../test-vectors/dlr1/', import.meta.url));
const valid = new Uint8Array(readFileSync(`${dir}valid-3.dlr`));
const key = parseMeterPublicKey(readFileSync(`${dir}pubkey.hex`, 'utf8').trim()) as MeterPublicKey;

function edit(mutate: (bytes: Uint8Array, view: DataView) => void): Uint8Array {
  const bytes = valid.slice();
  mutate(bytes, new DataView(bytes.buffer));
  return bytes;
}

function expectMalformed(bytes: Uint8Array, detail: RegExp): void {
  const result = decodeDlr1(bytes);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.reason).toBe('MALFORMED');
  expect(result.detail).toMatch(detail);
}

describe('decodeDlr1', () => {
  it('decodes samples big-endian, channel A then B', () => {
    const result = decodeDlr1(valid);
    if (!result.ok) throw new Error(result.detail);
    const { reading } = result;
    const view = new DataView(valid.buffer, valid.byteOffset);
    expect(reading.loopA[0]).toBe(view.getUint16(80));
    expect(reading.loopA[reading.n - 1]).toBe(view.getUint16(80 + 2 * (reading.n - 1)));
    expect(reading.loopB[0]).toBe(view.getUint16(80 + 2 * reading.n));
    expect(reading.signedBytes.length).toBe(80 + 4 * reading.n);
    expect(reading.evidenceSha256).toBeNull();
    expect(dlr1Length(reading.n)).toBe(valid.length);
  });

  it.each([
    ['wrong magic', (b: Uint8Array) => (b[3] = 0x32), /magic/],
    ['version 2', (b: Uint8Array) => (b[4] = 2), /unknown version 2/],
    ['one channel', (b: Uint8Array) => (b[5] = 1), /channels is 1/],
    ['unknown flag bit', (_: Uint8Array, v: DataView) => v.setUint16(6, 0x0002), /unknown flag bits 0x0002/],
    ['empty meter id', (b: Uint8Array) => b.fill(0, 8, 24), /meter_id is empty/],
    ['meter id with a space', (b: Uint8Array) => (b[9] = 0x20), /meter_id byte 1 is 0x20/],
    ['meter id byte after padding', (b: Uint8Array) => (b[23] = 0x41), /after the NUL padding/],
    ['seq 0', (_: Uint8Array, v: DataView) => v.setBigUint64(24, 0n), /seq is 0/],
    ['rate 99 Hz', (_: Uint8Array, v: DataView) => v.setUint32(40, 99), /sample_rate_hz 99/],
    ['rate 20001 Hz', (_: Uint8Array, v: DataView) => v.setUint32(40, 20_001), /sample_rate_hz 20001/],
    ['n 15', (_: Uint8Array, v: DataView) => v.setUint32(44, 15), /n 15 outside/],
    ['n 32769', (_: Uint8Array, v: DataView) => v.setUint32(44, 32_769), /n 32769 outside/],
    ['n disagreeing with length', (_: Uint8Array, v: DataView) => v.setUint32(44, 592), /requires exactly/],
    ['evidence bytes without the flag', (b: Uint8Array) => (b[60] = 1), /evidence_sha256 is not zero/],
  ])('rejects %s as MALFORMED', (_name, mutate, detail) => {
    expectMalformed(edit(mutate), detail);
  });

  it('accepts a 16-character meter id and the evidence flag with a digest', () => {
    const bytes = edit((b, v) => {
      b.set(new TextEncoder().encode('ABCDEFGHIJ-._xyz'), 8);
      v.setUint16(6, DLR1.FLAG_EVIDENCE);
      b.fill(0xab, 48, 80);
    });
    const result = decodeDlr1(bytes);
    if (!result.ok) throw new Error(result.detail);
    expect(result.reading.meterId).toBe('ABCDEFGHIJ-._xyz');
    expect(result.reading.evidenceSha256).toEqual(new Uint8Array(32).fill(0xab));
  });

  it('rejects a length one byte short or long', () => {
    expectMalformed(valid.subarray(0, valid.length - 1), /requires exactly/);
    const longer = new Uint8Array(valid.length + 1);
    longer.set(valid);
    expectMalformed(longer, /requires exactly/);
  });

  it('never throws on non-byte input', () => {
    expect(decodeDlr1('DLR1' as unknown as Uint8Array)).toMatchObject({ ok: false, reason: 'MALFORMED' });
    expect(decodeDlr1(new Uint8Array(0))).toMatchObject({ ok: false, reason: 'MALFORMED' });
  });

  it('reads a reading inside a larger buffer (non-zero byteOffset)', () => {
    const host = new Uint8Array(valid.length + 7);
    host.set(valid, 7);
    const result = decodeAndVerify(host.subarray(7), key);
    expect(result.ok).toBe(true);
  });
});

describe('signature check', () => {
  const signatureOffset = valid.length - 64;

  it('refuses the high-S twin of a valid signature, although ECDSA alone would accept it', () => {
    const s = bytesToBigInt(valid.subarray(signatureOffset + 32));
    const twin = edit((b) => b.set(bigIntToBytes(P256_ORDER - s, 32), signatureOffset + 32));
    const result = decodeAndVerify(twin, key);
    expect(result).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
    if (!result.ok) expect(result.detail).toMatch(/high-S/);
  });

  it('refuses r = 0 and s ≥ n', () => {
    expect(decodeAndVerify(edit((b) => b.fill(0, signatureOffset, signatureOffset + 32)), key)).toMatchObject({
      reason: 'BAD_SIGNATURE',
    });
    expect(decodeAndVerify(edit((b) => b.fill(0xff, signatureOffset + 32)), key)).toMatchObject({ reason: 'BAD_SIGNATURE' });
  });

  it('refuses a valid reading under another meter key', () => {
    const other = parseMeterPublicKey(
      // The P-256 generator point: a valid key that did not sign the vector.
      '046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5',
    ) as MeterPublicKey;
    expect(decodeAndVerify(valid, other)).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
  });
});

describe('parseMeterPublicKey', () => {
  it('accepts the compressed form of the same key', () => {
    const uncompressed = Buffer.from(key.hex, 'hex');
    const prefix = (uncompressed[64]! & 1) === 0 ? '02' : '03';
    const compressed = parseMeterPublicKey(prefix + key.hex.slice(2, 66));
    expect('keyObject' in compressed).toBe(true);
    if ('keyObject' in compressed) expect(decodeAndVerify(valid, compressed).ok).toBe(true);
  });

  it.each([
    ['not hex', 'zz'],
    ['odd length', '04a'],
    ['wrong size', '04'.padEnd(64, '0')],
    ['not on the curve', `04${'11'.repeat(64)}`],
  ])('rejects %s as MALFORMED', (_name, hex) => {
    expect(parseMeterPublicKey(hex)).toMatchObject({ ok: false, reason: 'MALFORMED' });
  });
});
