import type { AuditFinding } from './audit-finding.js';
import { writesOf, type EndorserTransaction } from './endorser-transaction.js';
import type { Reexecution } from './reexecution.js';

const MEASUREMENT_PREFIX = '\u0000measurement\u0000';

function text(value: Uint8Array | null | undefined): string | null {
  return value === undefined || value === null ? null : Buffer.from(value).toString('utf8');
}

function printable(key: string): string {
  return key.split('\u0000').join('\\0');
}

function recordOf(value: Uint8Array | null | undefined): Record<string, unknown> | null {
  const json = text(value);
  if (json === null) return null;
  try {
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** The fields of a measurement record a mismatch report shows (the full bytes are on the ledger). */
function recordView(record: Record<string, unknown> | null): unknown {
  if (record === null) return null;
  const { verdict, reason, speedCentiKmh, consideredSpeedCentiKmh, violation, rawSha256 } = record;
  return { verdict, reason, speedCentiKmh, consideredSpeedCentiKmh, violation, rawSha256 };
}

/**
 * Compares a re-execution with what the block recorded, byte for byte. One RECORD_MISMATCH per
 * measurement record that differs (so a batch with three altered readings gives three), one
 * WRITE_SET_MISMATCH for other differing keys, READ_SET_MISMATCH when only the reads differ,
 * REEXECUTION_REFUSED when the approved code refuses a transaction that was recorded.
 */
export function compareReexecution(blockNumber: number, tx: EndorserTransaction, outcome: Reexecution): AuditFinding[] {
  const ids = { blockNumber, txId: tx.txId, endorsers: tx.endorserMspIds };
  if (!outcome.ok) {
    return [{
      ...ids, code: 'REEXECUTION_REFUSED', severity: 'critical', recomputed: { status: outcome.status, message: outcome.message },
      message: `the approved package refuses transaction ${tx.txId} (${outcome.message}), yet the ledger holds its writes`,
    }];
  }
  if (Buffer.from(outcome.results).equals(Buffer.from(tx.results))) return [];
  const recorded = writesOf(tx.results);
  const recomputed = writesOf(outcome.results);
  const findings: AuditFinding[] = [];
  const otherKeys: { namespace: string; key: string; recorded: string | null; recomputed: string | null }[] = [];
  for (const namespace of new Set([...recorded.keys(), ...recomputed.keys()])) {
    const a = recorded.get(namespace) ?? new Map<string, Uint8Array | null>();
    const b = recomputed.get(namespace) ?? new Map<string, Uint8Array | null>();
    for (const key of new Set([...a.keys(), ...b.keys()])) {
      const left = a.get(key);
      const right = b.get(key);
      if (left !== undefined && right !== undefined && (left === null ? right === null : right !== null && Buffer.from(left).equals(Buffer.from(right)))) continue;
      if (key.startsWith(MEASUREMENT_PREFIX)) {
        const [, , meterId, seq] = key.split('\u0000');
        const was = recordOf(left);
        const now = recordOf(right);
        findings.push({
          ...ids, code: 'RECORD_MISMATCH', severity: 'critical', meterId: meterId!, seq: BigInt(seq!).toString(), recorded: recordView(was), recomputed: recordView(now),
          message: `record ${meterId}/${BigInt(seq!)} in block ${blockNumber} does not reproduce: recorded ${String(was?.speedCentiKmh ?? was?.reason ?? 'nothing')}, the approved code gives ${String(now?.speedCentiKmh ?? now?.reason ?? 'nothing')} (endorsed by ${tx.endorserMspIds.join(', ')})`,
        });
      } else {
        otherKeys.push({ namespace, key: printable(key), recorded: text(left), recomputed: text(right) });
      }
    }
  }
  if (otherKeys.length > 0) {
    findings.push({ ...ids, code: 'WRITE_SET_MISMATCH', severity: 'critical', recorded: otherKeys, message: `transaction ${tx.txId} wrote ${otherKeys.length} key(s) the approved code does not write that way` });
  }
  if (findings.length === 0) {
    findings.push({ ...ids, code: 'READ_SET_MISMATCH', severity: 'error', message: `transaction ${tx.txId} writes what the approved code writes, but its recorded reads differ from the re-execution's` });
  }
  return findings;
}
