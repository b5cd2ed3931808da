import { ContractError } from './contract-error.js';

/**
 * Who governs meter registration, set once on the ledger by `Governance:Init`: which MSPs are
 * notified bodies (only their registrars may register or revoke meters) and how many of them
 * must endorse later changes of a meter (key-level endorsement policy).
 */
export interface Governance {
  /** MSP ids of the notified bodies, sorted, unique. */
  readonly notifiedBodies: readonly string[];
  /** k in "k of the notified bodies' peers must endorse", 1 ≤ k ≤ notifiedBodies.length. */
  readonly registrationQuorum: number;
}

const MSP_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Validates governance JSON; throws INVALID_ARGUMENT naming the first problem. */
export function parseGovernance(json: string): Governance {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new ContractError('INVALID_ARGUMENT', 'governance is not JSON', {}, error);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ContractError('INVALID_ARGUMENT', 'governance must be a JSON object');
  }
  const { notifiedBodies, registrationQuorum, ...rest } = value as Record<string, unknown>;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0) throw new ContractError('INVALID_ARGUMENT', `governance has unknown fields ${unknownKeys.join(', ')}`);
  if (!Array.isArray(notifiedBodies) || notifiedBodies.length === 0 || !notifiedBodies.every((m) => typeof m === 'string' && MSP_ID.test(m))) {
    throw new ContractError('INVALID_ARGUMENT', 'notifiedBodies must be a non-empty array of MSP ids');
  }
  const bodies = [...new Set(notifiedBodies as string[])].sort();
  if (bodies.length !== notifiedBodies.length) throw new ContractError('INVALID_ARGUMENT', 'notifiedBodies has duplicates');
  if (typeof registrationQuorum !== 'number' || !Number.isInteger(registrationQuorum) || registrationQuorum < 1 || registrationQuorum > bodies.length) {
    throw new ContractError('INVALID_ARGUMENT', `registrationQuorum must be an integer in 1..${bodies.length}`);
  }
  return { notifiedBodies: bodies, registrationQuorum };
}
