import { StagedError } from '@speedledger/orderer-bft';

/** Stable codes of the policy layer. */
export const POLICY_ERROR_CODES = [
  /** A policy DSL string does not parse, or describes an unsatisfiable rule; `ids.position` says where. */
  'INVALID_POLICY_DSL',
  /** A channel policy reference is not a usable path. */
  'INVALID_POLICY_REFERENCE',
] as const;

/** One of {@link POLICY_ERROR_CODES}. */
export type PolicyErrorCode = (typeof POLICY_ERROR_CODES)[number];

/** A typed error building a policy (user input from the CLI or a chaincode definition). */
export class PolicyError extends StagedError<PolicyErrorCode> {
  constructor(code: PolicyErrorCode, message: string, ids: Record<string, number | string> = {}, cause?: unknown) {
    super('PolicyError', code, message, ids, cause);
  }
}
