import { createDataset, encodeSignedDlr1, type Dataset, type GeneratedReading } from '@speedledger/datasets';
import { decodeDlr1 } from '@speedledger/lr-chaincode/core';

/** A small clean dataset: `meters` meters, `readings` signed readings (deterministic from `seed`). */
export function smallDataset(meters: number, readings: number, seed = 9): { dataset: Dataset; readings: GeneratedReading[] } {
  const dataset = createDataset({ meters, readings, seed, mix: 'clean' });
  return { dataset, readings: [...dataset.readings()] };
}

/**
 * Validly signed bytes under the same (meterId, seq) as `bytes` but with one sample changed: what a
 * meter (or a man in the middle holding its key) replaying a sequence number would send.
 */
export function conflictingTwin(dataset: Dataset, bytes: Uint8Array): Uint8Array {
  const decoded = decodeDlr1(bytes);
  if (!decoded.ok) throw new Error(decoded.detail);
  const r = decoded.reading;
  const loopA = Uint16Array.from(r.loopA);
  loopA[0] = loopA[0]! ^ 1;
  const signer = dataset.signers.get(r.meterId);
  if (!signer) throw new Error(`no signer for ${r.meterId}`);
  return encodeSignedDlr1({ meterId: r.meterId, seq: r.seq, t0Us: r.t0Us, sampleRateHz: r.sampleRateHz, loopA, loopB: r.loopB }, signer);
}
