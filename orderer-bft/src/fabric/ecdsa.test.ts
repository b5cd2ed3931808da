import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derInteger, derSequence } from './der.js';
import { signP256, verifyP256 } from './ecdsa.js';

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const data = new TextEncoder().encode('envelope payload');

function scalars(compact: Uint8Array): { r: bigint; s: bigint } {
  const hex = Buffer.from(compact).toString('hex');
  return { r: BigInt(`0x${hex.slice(0, 64)}`), s: BigInt(`0x${hex.slice(64)}`) };
}
const der = (r: bigint, s: bigint): Uint8Array => derSequence([derInteger(r), derInteger(s)]);
const compact = (r: bigint, s: bigint): Uint8Array => Buffer.from(r.toString(16).padStart(64, '0') + s.toString(16).padStart(64, '0'), 'hex');

describe('verifyP256', () => {
  const signature = signP256(privateKey, data, 'compact');
  const { r, s } = scalars(signature);

  it('accepts the low-S signature in both encodings and only over the signed data', () => {
    expect(verifyP256(publicKey, data, signature, 'compact')).toBe(true);
    expect(verifyP256(publicKey, data, der(r, s), 'der')).toBe(true);
    expect(verifyP256(publicKey, new TextEncoder().encode('other'), der(r, s), 'der')).toBe(false);
  });

  it.each([
    ['the high-S twin', () => [r, N - s]],
    ['r = 0', () => [0n, s]],
    ['s = 0', () => [r, 0n]],
    ['r = n', () => [N, s]],
    ['r + n (wraps to the same point)', () => [r + N, s]],
    ['s = n', () => [r, N]],
  ] as Array<[string, () => [bigint, bigint]]>)('rejects %s in both encodings', (_name, make) => {
    const [badR, badS] = make();
    expect(verifyP256(publicKey, data, der(badR, badS), 'der')).toBe(false);
    if (badR < 1n << 256n && badS < 1n << 256n) expect(verifyP256(publicKey, data, compact(badR, badS), 'compact')).toBe(false);
  });

  it('rejects non-minimal, negative and truncated DER', () => {
    const good = der(r, s);
    const rBytes = Buffer.from(derInteger(r)).subarray(2);
    const sTlv = derInteger(s);
    const padded = Buffer.concat([Buffer.from([0x02, rBytes.byteLength + 1, 0x00]), rBytes]);
    const nonMinimal = derSequence([padded, sTlv]);
    expect(verifyP256(publicKey, data, nonMinimal, 'der')).toBe(false);
    const negative = derSequence([Buffer.from([0x02, 0x01, 0x81]), sTlv]);
    expect(verifyP256(publicKey, data, negative, 'der')).toBe(false);
    expect(verifyP256(publicKey, data, good.subarray(0, good.byteLength - 1), 'der')).toBe(false);
    expect(verifyP256(publicKey, data, Uint8Array.of(0x30, 0x00), 'der')).toBe(false);
    expect(verifyP256(publicKey, data, signature.subarray(0, 63), 'compact')).toBe(false);
  });
});
