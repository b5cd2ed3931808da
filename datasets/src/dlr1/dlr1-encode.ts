import { DLR1, dlr1Length, isValidMeterId } from '@speedledger/lr-chaincode/core';
import type { MeterSigner } from './meter-signer.js';

/** The fields a meter front end puts into one DLR1 reading. */
export interface Dlr1Fields {
  readonly meterId: string;
  readonly seq: bigint;
  readonly t0Us: bigint;
  readonly sampleRateHz: number;
  readonly loopA: Uint16Array;
  readonly loopB: Uint16Array;
  /** SHA-256 of the off-ledger evidence image; omitted → flag bit 0 clear, 32 zero bytes. */
  readonly evidenceSha256?: Uint8Array;
}

/**
 * Lays out a DLR1 reading with a zero signature. Throws on fields the format cannot carry:
 * the firmware must never emit what the LR decoder would call malformed.
 */
export function encodeUnsignedDlr1(fields: Dlr1Fields): Uint8Array {
  const n = fields.loopA.length;
  if (fields.loopB.length !== n) throw new RangeError(`loop A has ${n} samples but loop B ${fields.loopB.length}`);
  if (n < DLR1.MIN_SAMPLES || n > DLR1.MAX_SAMPLES) throw new RangeError(`n ${n} outside ${DLR1.MIN_SAMPLES}..${DLR1.MAX_SAMPLES}`);
  if (!isValidMeterId(fields.meterId)) throw new RangeError(`invalid meter id ${JSON.stringify(fields.meterId)}`);
  if (fields.seq < 1n || fields.seq >= 1n << 64n) throw new RangeError(`seq ${fields.seq} outside 1..2^64-1`);
  if (fields.t0Us < -(1n << 63n) || fields.t0Us >= 1n << 63n) throw new RangeError(`t0_us ${fields.t0Us} outside int64`);
  const rate = fields.sampleRateHz;
  if (!Number.isInteger(rate) || rate < DLR1.MIN_SAMPLE_RATE_HZ || rate > DLR1.MAX_SAMPLE_RATE_HZ) {
    throw new RangeError(`sample rate ${rate} outside ${DLR1.MIN_SAMPLE_RATE_HZ}..${DLR1.MAX_SAMPLE_RATE_HZ}`);
  }
  if (fields.evidenceSha256 && fields.evidenceSha256.length !== DLR1.EVIDENCE_BYTES) {
    throw new RangeError('evidence digest must be 32 bytes');
  }

  const bytes = new Uint8Array(dlr1Length(n));
  const view = new DataView(bytes.buffer);
  bytes.set([0x44, 0x4c, 0x52, 0x31], DLR1.OFFSET_MAGIC);
  view.setUint8(DLR1.OFFSET_VERSION, DLR1.VERSION);
  view.setUint8(DLR1.OFFSET_CHANNELS, DLR1.CHANNELS);
  view.setUint16(DLR1.OFFSET_FLAGS, fields.evidenceSha256 ? DLR1.FLAG_EVIDENCE : 0);
  for (let i = 0; i < fields.meterId.length; i++) bytes[DLR1.OFFSET_METER_ID + i] = fields.meterId.charCodeAt(i);
  view.setBigUint64(DLR1.OFFSET_SEQ, fields.seq);
  view.setBigInt64(DLR1.OFFSET_T0_US, fields.t0Us);
  view.setUint32(DLR1.OFFSET_SAMPLE_RATE, rate);
  view.setUint32(DLR1.OFFSET_N, n);
  if (fields.evidenceSha256) bytes.set(fields.evidenceSha256, DLR1.OFFSET_EVIDENCE);
  const offsetB = DLR1.HEADER_BYTES + 2 * n;
  for (let i = 0; i < n; i++) {
    view.setUint16(DLR1.HEADER_BYTES + 2 * i, fields.loopA[i]!);
    view.setUint16(offsetB + 2 * i, fields.loopB[i]!);
  }
  return bytes;
}

/** Lays out and signs a DLR1 reading: the whole job of the meter's front end. */
export function encodeSignedDlr1(fields: Dlr1Fields, signer: MeterSigner): Uint8Array {
  if (signer.meterId !== fields.meterId) {
    throw new Error(`signer belongs to meter ${signer.meterId}, reading to ${fields.meterId}`);
  }
  const bytes = encodeUnsignedDlr1(fields);
  const signedEnd = bytes.length - DLR1.SIGNATURE_BYTES;
  bytes.set(signer.sign(bytes.subarray(0, signedEnd)), signedEnd);
  return bytes;
}
