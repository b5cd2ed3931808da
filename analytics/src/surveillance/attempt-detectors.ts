import type { IngestRefusal, InvalidTransaction } from './observations.js';
import type { SurveillanceFinding } from './surveillance-finding.js';

const CONFLICT_CODES = new Set(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT']);

/**
 * Replays, conflicts and endorser disagreement visible on the ledger (invalidated transactions)
 * and before it (the ingest tier's refusals: a forged or replayed reading is refused at
 * endorsement and never reaches a block).
 */
export function attempts(invalid: readonly InvalidTransaction[], refusals: readonly IngestRefusal[]): SurveillanceFinding[] {
  const findings: SurveillanceFinding[] = [];
  for (const tx of invalid) {
    if (tx.code === 'DUPLICATE_TXID') {
      findings.push({ kind: 'REPLAY_ATTEMPT', severity: 'alert', key: `REPLAY/${tx.txId}/${tx.blockNumber}`, evidence: [tx.txId], metrics: { blockNumber: tx.blockNumber },
        sentence: `Transaction ${tx.txId} was submitted again in block ${tx.blockNumber} after it had been committed: a replayed transaction, refused by validation.` });
    } else if (CONFLICT_CODES.has(tx.code)) {
      findings.push({ kind: 'CONFLICT', severity: 'info', key: `CONFLICT/${tx.txId}`, evidence: [tx.txId], metrics: { blockNumber: tx.blockNumber },
        sentence: `Transaction ${tx.txId} (${tx.creatorMspId}) lost a conflict in block ${tx.blockNumber} (${tx.code}): two submissions raced for the same record.` });
    } else if (tx.code === 'ENDORSEMENT_POLICY_FAILURE') {
      findings.push({ kind: 'ENDORSER_DISAGREEMENT', severity: 'alert', key: `POLICY/${tx.txId}`, evidence: [tx.txId], metrics: { blockNumber: tx.blockNumber },
        sentence: `Transaction ${tx.txId} reached block ${tx.blockNumber} without the endorsements its policy requires: someone tried to commit a record too few organisations vouched for.` });
    }
  }
  const groups = new Map<string, IngestRefusal[]>();
  for (const r of refusals) {
    const key = `${r.code}/${r.meterId ?? '-'}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  for (const [key, list] of groups) {
    const { code, meterId } = list[0]!;
    const evidence = list.slice(0, 5).map((r) => r.txId ?? `${r.meterId ?? '?'}/${r.seq ?? '?'}@${r.atMs}`);
    const who = meterId === undefined ? '' : ` for meter ${meterId}`;
    const base = { key: `INGEST/${key}`, evidence, metrics: { refusals: list.length }, ...(meterId === undefined ? {} : { meterId }) };
    if (code === 'BAD_SIGNATURE') findings.push({ ...base, kind: 'FORGERY_ATTEMPT', severity: 'alert', sentence: `${list.length} reading(s)${who} were refused because their signature does not verify: forged or altered readings were submitted.` });
    else if (code === 'REPLAYED_SEQ') findings.push({ ...base, kind: 'REPLAY_ATTEMPT', severity: 'warning', sentence: `${list.length} reading(s)${who} were refused as replays of already recorded sequence numbers.` });
    else if (code === 'ENDORSEMENT_MISMATCH') findings.push({ ...base, kind: 'ENDORSER_DISAGREEMENT', severity: 'alert', sentence: `${list.length} submission(s)${who} failed because endorsing organisations returned different results: one of them does not run the approved code.` });
    else findings.push({ ...base, kind: 'INGEST_REFUSALS', severity: 'info', sentence: `${list.length} reading(s)${who} were refused at ingest (${code}).` });
  }
  return findings;
}
