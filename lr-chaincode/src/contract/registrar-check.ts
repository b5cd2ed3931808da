import { X509Certificate } from 'node:crypto';
import { ContractError } from './contract-error.js';
import type { LrContext } from './fabric-api.js';
import type { Governance } from './governance.js';

/** Fabric-CA attribute (certificate extension 1.2.3.4.5.6.7.8.1) that grants the registrar role. */
export const REGISTRAR_ATTRIBUTE = 'speedledger.role';
export const REGISTRAR_ROLE = 'registrar';

/** The caller as recorded in the event log: MSP and certificate subject/issuer id. */
export interface Actor {
  readonly mspId: string;
  readonly id: string;
}

/** The calling identity, for audit records. */
export function actorOf(ctx: LrContext): Actor {
  return { mspId: ctx.clientIdentity.getMSPID(), id: ctx.clientIdentity.getID() };
}

function organisationalUnits(ctx: LrContext): string[] {
  try {
    const cert = new X509Certificate(Buffer.from(ctx.clientIdentity.getIDBytes()));
    return cert.subject
      .split('\n')
      .filter((line) => line.startsWith('OU='))
      .map((line) => line.slice(3));
  } catch {
    return [];
  }
}

/**
 * True when the caller holds the registrar role, by Fabric-CA attribute
 * `speedledger.role=registrar` or by an OU `registrar` in its certificate subject (for MSPs
 * whose CA issues no attributes, e.g. NodeOUs-style enrolment).
 */
export function hasRegistrarRole(ctx: LrContext): boolean {
  if (ctx.clientIdentity.getAttributeValue(REGISTRAR_ATTRIBUTE) === REGISTRAR_ROLE) return true;
  return organisationalUnits(ctx).includes(REGISTRAR_ROLE);
}

/** Throws FORBIDDEN unless the caller is a registrar of one of the governance's notified bodies. */
export function requireNotifiedBodyRegistrar(ctx: LrContext, governance: Governance, action: string): Actor {
  const actor = actorOf(ctx);
  if (!governance.notifiedBodies.includes(actor.mspId)) {
    throw new ContractError('FORBIDDEN', `${action}: ${actor.mspId} is not a notified body`, { mspId: actor.mspId });
  }
  if (!hasRegistrarRole(ctx)) {
    throw new ContractError('FORBIDDEN', `${action}: caller of ${actor.mspId} lacks the registrar role`, { mspId: actor.mspId });
  }
  return actor;
}
