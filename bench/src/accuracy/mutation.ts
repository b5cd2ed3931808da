import { DLR1 } from '@speedledger/lr-chaincode/core';

/** Deterministic damage to a signed reading: what a careless or malicious relay could do. */
export function mutateReading(bytes: Uint8Array, i: number): { bytes: Uint8Array; what: string } {
  const copy = bytes.slice();
  const n = (bytes.length - DLR1.HEADER_BYTES - DLR1.SIGNATURE_BYTES) / 4;
  const pick = (range: number): number => (i * 2654435761) % range;
  switch (i % 6) {
    case 0: {
      const at = DLR1.HEADER_BYTES + pick(4 * n);
      copy[at]! ^= 1 << i % 8;
      return { bytes: copy, what: 'sample bit flip' };
    }
    case 1: {
      const at = DLR1.OFFSET_SEQ + pick(16);
      copy[at]! ^= 1 << i % 8;
      return { bytes: copy, what: 'seq/t0 bit flip' };
    }
    case 2:
      return { bytes: bytes.subarray(0, bytes.length - 1 - (i % 7)), what: 'truncation' };
    case 3: {
      const longer = new Uint8Array(bytes.length + 2);
      longer.set(bytes);
      return { bytes: longer, what: 'extension' };
    }
    case 4: {
      const at = bytes.length - DLR1.SIGNATURE_BYTES + pick(DLR1.SIGNATURE_BYTES);
      copy[at]! ^= 1 << i % 8;
      return { bytes: copy, what: 'signature bit flip' };
    }
    default: {
      // Re-label the rate: the tamperer's way to rescale speed.
      const view = new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
      view.setUint32(DLR1.OFFSET_SAMPLE_RATE, view.getUint32(DLR1.OFFSET_SAMPLE_RATE) + 1);
      return { bytes: copy, what: 'sample rate edit' };
    }
  }
}
