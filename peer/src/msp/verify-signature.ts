import { verifyP256 } from '@speedledger/orderer-bft';
import type { Identity } from './identity.js';

/**
 * Verifies a DER ECDSA P-256 / SHA-256 signature of `message` by `identity`. High-S,
 * malformed or foreign signatures return false (never throw), as Fabric's BCCSP rejects
 * high-S signatures to rule out malleability.
 */
export function verifySignature(identity: Identity, message: Uint8Array, derSignature: Uint8Array): boolean {
  return verifyP256(identity.publicKey, message, derSignature, 'der');
}
