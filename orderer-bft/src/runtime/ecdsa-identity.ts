import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalBytes } from '../core/canonical-bytes.js';
import type { Proposal, ProposalContext, Signer, Verifier } from '../core/dependencies.js';
import { RuntimeError } from './runtime-error.js';

/**
 * Replica identities as P-256 ECDSA keys (PEM), via node:crypto. The stand-in until the
 * Fabric layer's MSP signer/verifier is wired in: same interfaces, real signatures.
 */
export function createEcdsaSigner(privateKeyPem: string): Signer {
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch (cause) {
    throw new RuntimeError('INVALID_RUNTIME_CONFIG', 'private key is not a PEM key', {}, cause);
  }
  return {
    sign: (data) => new Uint8Array(sign('sha256', data, key)),
    signProposal: (_proposal, context) => new Uint8Array(sign('sha256', proposalSigningBytes(context), key)),
  };
}

/** Verifies replica signatures against their public keys (index = replica id). */
export function createEcdsaVerifier(publicKeyPems: readonly string[]): Verifier {
  const keys = publicKeyPems.map((pem, replica) => {
    try {
      return createPublicKey(pem);
    } catch (cause) {
      throw new RuntimeError('INVALID_RUNTIME_CONFIG', `public key of replica ${replica} is not a PEM key`, { replica }, cause);
    }
  });
  const check = (replica: number, data: Uint8Array, signature: Uint8Array): boolean => {
    const key = keys[replica];
    if (key === undefined || !(signature instanceof Uint8Array)) return false;
    try {
      return verify('sha256', data, key, signature);
    } catch {
      return false;
    }
  };
  return {
    verify: check,
    verifyProposalSignature: (replica: number, _proposal: Proposal, context: ProposalContext, signature: Uint8Array) =>
      check(replica, proposalSigningBytes(context), signature),
  };
}

/** A fresh P-256 key pair as PEM (PKCS#8 private, SPKI public). */
export function generateEcdsaKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function proposalSigningBytes(context: ProposalContext): Uint8Array {
  return canonicalBytes({ commit: context.digest, sequence: context.sequence, view: context.view });
}
