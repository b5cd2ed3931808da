import { DLR1, dlr1Length } from './dlr1-layout.js';
import type { Dlr1Reading } from './dlr1-reading.js';
import { reject, type Rejection } from './rejection.js';

/** Result of {@link decodeDlr1}: a reading, or a `MALFORMED` rejection naming the first rule broken. */
export type DecodeResult = { readonly ok: true; readonly reading: Dlr1Reading } | Rejection<'MALFORMED'>;

const MAGIC_BYTES = [0x44, 0x4c, 0x52, 0x31]; // "DLR1"

function isMeterIdByte(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) || // 0-9
    (b >= 0x41 && b <= 0x5a) || // A-Z
    (b >= 0x61 && b <= 0x7a) || // a-z
    b === 0x2e || // .
    b === 0x5f || // _
    b === 0x2d // -
  );
}

function hex(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}

function decodeMeterId(bytes: Uint8Array): string | Rejection<'MALFORMED'> {
  let length = 0;
  while (length < DLR1.METER_ID_BYTES && bytes[DLR1.OFFSET_METER_ID + length] !== 0) length++;
  if (length === 0) return reject('MALFORMED', 'meter_id is empty');
  let id = '';
  for (let i = 0; i < DLR1.METER_ID_BYTES; i++) {
    const b = bytes[DLR1.OFFSET_METER_ID + i]!;
    if (i < length) {
      if (!isMeterIdByte(b)) return reject('MALFORMED', `meter_id byte ${i} is ${hex(b)}, not in [A-Za-z0-9._-]`);
      id += String.fromCharCode(b);
    } else if (b !== 0) {
      return reject('MALFORMED', `meter_id byte ${i} is ${hex(b)} after the NUL padding began`);
    }
  }
  return id;
}

/**
 * Decodes a DLR1 reading strictly, as the spec's layout table says. Never throws: any input that
 * is not exactly a well-formed reading yields `MALFORMED` with the first broken rule as detail.
 * It does not check the signature (that needs the registered key; see `verifyReadingSignature`).
 */
export function decodeDlr1(input: Uint8Array): DecodeResult {
  if (!(input instanceof Uint8Array)) return reject('MALFORMED', 'input is not a byte array');
  const bytes = input;
  if (bytes.length < DLR1.HEADER_BYTES + DLR1.SIGNATURE_BYTES) {
    return reject('MALFORMED', `length ${bytes.length} is shorter than the smallest possible header and signature (144)`);
  }
  for (let i = 0; i < 4; i++) {
    if (bytes[i] !== MAGIC_BYTES[i]) return reject('MALFORMED', `magic is not "DLR1" (byte ${i} is ${hex(bytes[i]!)})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(DLR1.OFFSET_VERSION);
  if (version !== DLR1.VERSION) return reject('MALFORMED', `unknown version ${version}`);
  const channels = view.getUint8(DLR1.OFFSET_CHANNELS);
  if (channels !== DLR1.CHANNELS) return reject('MALFORMED', `channels is ${channels}, must be 2`);
  const flags = view.getUint16(DLR1.OFFSET_FLAGS);
  if ((flags & ~DLR1.FLAG_EVIDENCE) !== 0) return reject('MALFORMED', `unknown flag bits 0x${flags.toString(16).padStart(4, '0')}`);

  const meterId = decodeMeterId(bytes);
  if (typeof meterId !== 'string') return meterId;

  const seq = view.getBigUint64(DLR1.OFFSET_SEQ);
  if (seq === 0n) return reject('MALFORMED', 'seq is 0; sequence numbers start at 1');
  const t0Us = view.getBigInt64(DLR1.OFFSET_T0_US);

  const sampleRateHz = view.getUint32(DLR1.OFFSET_SAMPLE_RATE);
  if (sampleRateHz < DLR1.MIN_SAMPLE_RATE_HZ || sampleRateHz > DLR1.MAX_SAMPLE_RATE_HZ) {
    return reject('MALFORMED', `sample_rate_hz ${sampleRateHz} outside ${DLR1.MIN_SAMPLE_RATE_HZ}..${DLR1.MAX_SAMPLE_RATE_HZ}`);
  }
  const n = view.getUint32(DLR1.OFFSET_N);
  if (n < DLR1.MIN_SAMPLES || n > DLR1.MAX_SAMPLES) {
    return reject('MALFORMED', `n ${n} outside ${DLR1.MIN_SAMPLES}..${DLR1.MAX_SAMPLES}`);
  }
  const expected = dlr1Length(n);
  if (bytes.length !== expected) {
    return reject('MALFORMED', `length ${bytes.length} but n=${n} requires exactly ${expected} bytes`);
  }

  const evidence = bytes.subarray(DLR1.OFFSET_EVIDENCE, DLR1.OFFSET_EVIDENCE + DLR1.EVIDENCE_BYTES);
  let evidenceSha256: Uint8Array | null = null;
  if ((flags & DLR1.FLAG_EVIDENCE) !== 0) {
    evidenceSha256 = evidence.slice();
  } else if (evidence.some((b) => b !== 0)) {
    return reject('MALFORMED', 'evidence_sha256 is not zero while flag bit 0 is clear');
  }

  const loopA = new Uint16Array(n);
  const loopB = new Uint16Array(n);
  const offsetB = DLR1.HEADER_BYTES + 2 * n;
  for (let i = 0; i < n; i++) {
    loopA[i] = view.getUint16(DLR1.HEADER_BYTES + 2 * i);
    loopB[i] = view.getUint16(offsetB + 2 * i);
  }
  const signedEnd = DLR1.HEADER_BYTES + 4 * n;
  return {
    ok: true,
    reading: {
      version,
      flags,
      meterId,
      seq,
      t0Us,
      sampleRateHz,
      n,
      evidenceSha256,
      loopA,
      loopB,
      signature: bytes.slice(signedEnd, signedEnd + DLR1.SIGNATURE_BYTES),
      signedBytes: bytes.subarray(0, signedEnd),
      raw: bytes,
    },
  };
}
