import { toHex } from '../core/bytes.js';
import type { Hasher, Proposal } from '../core/dependencies.js';

/**
 * A proposal's digest computed from its bytes: SHA-256 over the 8-byte header length, the
 * header and the payload. The checker and the adversary compute it themselves instead of
 * trusting a reported one; `proposal-digest.test.ts` pins it to the core's `proposalDigest`.
 */
export function proposalDigestOf(hasher: Hasher, proposal: Proposal): string {
  const bytes = new Uint8Array(8 + proposal.header.byteLength + proposal.payload.byteLength);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(proposal.header.byteLength));
  bytes.set(proposal.header, 8);
  bytes.set(proposal.payload, 8 + proposal.header.byteLength);
  return toHex(hasher.hash(bytes));
}
