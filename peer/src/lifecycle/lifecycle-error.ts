/**
 * Stable codes of `_lifecycle` refusals. The system chaincode answers with status 500 and a
 * message starting with the code (`SEQUENCE_MISMATCH: ...`), so a client sees it verbatim.
 */
export const LIFECYCLE_ERROR_CODES = [
  /** Unknown function name or missing/unparsable JSON argument. */
  'BAD_REQUEST',
  /** A definition field is missing or has the wrong type/format. */
  'INVALID_DEFINITION',
  /** The endorsement policy DSL does not compile. */
  'INVALID_POLICY',
  /** The creator's role does not allow this function (admin to approve, peer to record refusals). */
  'FORBIDDEN',
  /** The definition's sequence is not the committed sequence + 1. */
  'SEQUENCE_MISMATCH',
  /** Not enough matching approvals for the lifecycle approval policy. */
  'APPROVALS_INSUFFICIENT',
  /** No committed definition of that name. */
  'NOT_FOUND',
] as const;

/** One of {@link LIFECYCLE_ERROR_CODES}. */
export type LifecycleErrorCode = (typeof LIFECYCLE_ERROR_CODES)[number];

/** A refusal raised inside a `_lifecycle` function; turned into a status-500 response. */
export class LifecycleRefusal extends Error {
  readonly code: LifecycleErrorCode;
  readonly ids: Readonly<Record<string, string | number>>;

  constructor(code: LifecycleErrorCode, message: string, ids: Record<string, string | number> = {}) {
    super(`${code}: ${message}`);
    this.name = 'LifecycleRefusal';
    this.code = code;
    this.ids = ids;
  }
}
