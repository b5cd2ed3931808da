/** How `up` reports a lifecycle step it is about to retry. */
export interface RetryNote {
  /** `info` for what is expected while the network settles, `warn` for a real failure being retried. */
  readonly level: 'info' | 'warn';
  readonly line: string;
}

const CATCHING_UP = /ENDORSEMENT_MISMATCH|ProposalResponsePayloads do not match/;
const NOT_REACHABLE = /UNAVAILABLE|ECONNREFUSED|No connection established|failed to connect/i;

/**
 * Explains a retried lifecycle step (issue 16: an expected ENDORSEMENT_MISMATCH printed as a
 * failure). Right after a lifecycle transaction commits on one peer, the others still simulate
 * against the previous block, so their endorsements differ until they catch up: that is info,
 * not a failure. Anything else is reported as the failure it is, with its message. Pure.
 */
export function explainRetry(what: string, attempt: number, delayMs: number, error: unknown): RetryNote {
  const message = error instanceof Error ? error.message : String(error);
  const when = `retry ${attempt} in ${(delayMs / 1000).toFixed(0)} s`;
  if (CATCHING_UP.test(message)) {
    return { level: 'info', line: `${what}: peers are still catching up with the previous block (ENDORSEMENT_MISMATCH, expected right after a lifecycle transaction); ${when}` };
  }
  if (NOT_REACHABLE.test(message)) return { level: 'info', line: `${what}: a peer is not reachable yet; ${when}` };
  return { level: 'warn', line: `${what}: attempt ${attempt} failed: ${message}; ${when}` };
}
