/** Stable codes of what an audit can find, by stage. */
export const AUDIT_FINDING_CODES = [
  // chain: the block itself
  'MALFORMED_BLOCK', 'BAD_DATA_HASH', 'BROKEN_CHAIN', 'INSUFFICIENT_SIGNATURES', 'BLOCK_OUT_OF_ORDER', 'CHECKPOINT_MISMATCH', 'NO_BLOCKS',
  // validation: the committed TRANSACTIONS_FILTER against the audit's own Fabric validation
  'VALIDATION_DISAGREES', 'ENDORSEMENT_POLICY_NOT_SATISFIED',
  // measurement: the raw reading against the registry at that height
  'METER_UNKNOWN_AT_HEIGHT', 'METER_REVOKED_AT_HEIGHT', 'BAD_METER_SIGNATURE', 'MALFORMED_READING',
  // re-execution of the approved package
  'PACKAGE_NOT_SUPPLIED', 'PACKAGE_NOT_APPROVED', 'REEXECUTION_REFUSED', 'RECORD_MISMATCH', 'WRITE_SET_MISMATCH', 'READ_SET_MISMATCH',
] as const;

/** One of {@link AUDIT_FINDING_CODES}. */
export type AuditFindingCode = (typeof AUDIT_FINDING_CODES)[number];

/** `critical`: the ledger holds something the approved code or the channel's trust rules did not produce; `warning`: worth a look, proves nothing. */
export type AuditSeverity = 'critical' | 'error' | 'warning';

/** One thing the audit found, with the ids needed to look it up on the ledger. */
export interface AuditFinding {
  readonly code: AuditFindingCode;
  readonly severity: AuditSeverity;
  readonly blockNumber: number;
  readonly txId?: string;
  readonly meterId?: string;
  /** uint64 as decimal string. */
  readonly seq?: string;
  /** MSP ids of the organisations that endorsed the transaction. */
  readonly endorsers?: readonly string[];
  /** What the ledger holds (e.g. the record's speed, the write's bytes as text). */
  readonly recorded?: unknown;
  /** What the audit computed instead. */
  readonly recomputed?: unknown;
  /** One plain-language sentence. */
  readonly message: string;
}

/** Whether a finding fails the audit (exit code 1). */
export function failsAudit(finding: AuditFinding): boolean {
  return finding.severity !== 'warning';
}
