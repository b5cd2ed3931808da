import { createECDH, createHash, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { DLR1, P256_HALF_ORDER, P256_ORDER, bigIntToBytes, bytesToBigInt, dlr1Length } from '../core/index.js';

/** A simulated meter: P-256 key (derived from a seed, reproducible) and a DLR1 writer. */
export interface TestMeter {
  readonly meterId: string;
  /** SEC1 uncompressed point, hex: what the notified body registers. */
  readonly publicKeyHex: string;
  /** Signs a reading (low-S, r ‖ s) as the meter's secure element would. */
  reading(fields: ReadingFields): Uint8Array;
}

/** Fields of one reading; loops default to a clean vehicle pass. */
export interface ReadingFields {
  readonly seq: bigint;
  readonly t0Us: bigint;
  readonly sampleRateHz: number;
  readonly loopA: Uint16Array;
  readonly loopB: Uint16Array;
  readonly evidenceSha256?: Uint8Array;
}

function b64u(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function derivedKey(seed: string): { key: KeyObject; publicKeyHex: string } {
  for (let counter = 0; ; counter++) {
    const d = createHash('sha256').update(`lr-chaincode-test-meter/${seed}/${counter}`).digest();
    const scalar = bytesToBigInt(d);
    if (scalar === 0n || scalar >= P256_ORDER) continue;
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(d);
    const point = ecdh.getPublicKey();
    const key = createPrivateKey({
      format: 'jwk',
      key: { kty: 'EC', crv: 'P-256', d: b64u(d), x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33, 65)) },
    });
    return { key, publicKeyHex: point.toString('hex') };
  }
}

/** Lays out a DLR1 reading (see docs/dlr1.md) and signs it with low-S normalisation. */
export function encodeReading(meterId: string, fields: ReadingFields, key: KeyObject): Uint8Array {
  const n = fields.loopA.length;
  const bytes = new Uint8Array(dlr1Length(n));
  const view = new DataView(bytes.buffer);
  bytes.set(Buffer.from(DLR1.MAGIC, 'ascii'), DLR1.OFFSET_MAGIC);
  view.setUint8(DLR1.OFFSET_VERSION, DLR1.VERSION);
  view.setUint8(DLR1.OFFSET_CHANNELS, DLR1.CHANNELS);
  view.setUint16(DLR1.OFFSET_FLAGS, fields.evidenceSha256 ? DLR1.FLAG_EVIDENCE : 0);
  bytes.set(Buffer.from(meterId, 'ascii'), DLR1.OFFSET_METER_ID);
  view.setBigUint64(DLR1.OFFSET_SEQ, fields.seq);
  view.setBigInt64(DLR1.OFFSET_T0_US, fields.t0Us);
  view.setUint32(DLR1.OFFSET_SAMPLE_RATE, fields.sampleRateHz);
  view.setUint32(DLR1.OFFSET_N, n);
  if (fields.evidenceSha256) bytes.set(fields.evidenceSha256, DLR1.OFFSET_EVIDENCE);
  for (let i = 0; i < n; i++) {
    view.setUint16(DLR1.HEADER_BYTES + 2 * i, fields.loopA[i]!);
    view.setUint16(DLR1.HEADER_BYTES + 2 * n + 2 * i, fields.loopB[i]!);
  }
  const end = bytes.length - DLR1.SIGNATURE_BYTES;
  const signature = sign('sha256', bytes.subarray(0, end), { key, dsaEncoding: 'ieee-p1363' });
  const s = bytesToBigInt(signature.subarray(32));
  if (s > P256_HALF_ORDER) signature.set(bigIntToBytes(P256_ORDER - s, 32), 32);
  bytes.set(signature, end);
  return bytes;
}

/** A meter whose key is derived from `meterId` and `seed`. */
export function createTestMeter(meterId: string, seed = 'default'): TestMeter {
  const { key, publicKeyHex } = derivedKey(`${seed}/${meterId}`);
  return { meterId, publicKeyHex, reading: (fields) => encodeReading(meterId, fields, key) };
}
