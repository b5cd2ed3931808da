import { X509Certificate, type KeyObject } from 'node:crypto';
import { loadPublicKey } from './ecdsa.js';
import { FabricError } from './errors.js';

/** A consenter as the channel config names it. */
export interface ConsenterIdentity {
  /** Fabric consenter id (`common.Consenter.id`). */
  readonly id: number;
  readonly mspId: string;
  /** Enrolment certificate (PEM), the `identity` of the consenter mapping. */
  readonly certPem: string;
}

/** A consenter with its parsed public key. */
export interface ResolvedConsenter extends ConsenterIdentity {
  readonly publicKey: KeyObject;
}

/** Parses consenter certificates once; throws INVALID_CONSENTERS on duplicates or bad keys. */
export function resolveConsenters(consenters: readonly ConsenterIdentity[]): ResolvedConsenter[] {
  const ids = new Set<number>();
  return consenters.map((consenter) => {
    if (!Number.isInteger(consenter.id) || consenter.id < 0 || consenter.id > 0xffff_ffff || ids.has(consenter.id)) {
      throw new FabricError('INVALID_CONSENTERS', `consenter id ${consenter.id} is not a unique uint32`, { consenterId: consenter.id });
    }
    ids.add(consenter.id);
    try {
      return { ...consenter, publicKey: loadPublicKey(new X509Certificate(consenter.certPem).publicKey) };
    } catch (cause) {
      throw new FabricError('INVALID_CONSENTERS', `consenter ${consenter.id}: certificate is not a P-256 X.509 certificate`, {
        consenterId: consenter.id, mspId: consenter.mspId,
      }, cause);
    }
  });
}
