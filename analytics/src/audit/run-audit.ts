import type { common } from '@hyperledger/fabric-protos';
import { failsAudit, type AuditFinding } from './audit-finding.js';
import { Auditor, type AuditCheckpoint, type AuditorOptions, type AuditSummary, type DefinitionSpan } from './auditor.js';

/** The outcome of an audit run: what `speedledger audit` writes as JSON (or HTML). */
export interface AuditReport {
  readonly format: 'speedledger-audit-report/1';
  readonly summary: AuditSummary;
  /** Each chaincode definition (sequence) in force during the audited blocks, with its package. */
  readonly definitions: readonly DefinitionSpan[];
  /** The packages the auditor supplied, by SHA-256, and how each was driven (`--reexec`). */
  readonly packagesSupplied: readonly { readonly packageSha256: string; readonly label: string; readonly mode: 'direct' | 'shim' }[];
  readonly findings: readonly AuditFinding[];
  /** Where a later run continues (`--resume`). */
  readonly checkpoint?: AuditCheckpoint;
  /** True when nothing failed the audit (the CLI's exit code 0). */
  readonly passed: boolean;
}

/** What {@link runAudit} reads: blocks in order from 0 (earlier blocks rebuild the state). */
export interface AuditInput extends AuditorOptions {
  readonly blocks: AsyncIterable<common.Block>;
  readonly toBlock?: number;
}

/**
 * Audits a stream of blocks from the genesis block up to `toBlock` (or the end of the stream).
 * Blocks before `fromBlock` / the resume checkpoint only rebuild the state; only later blocks
 * are re-executed and reported.
 */
export async function runAudit(input: AuditInput): Promise<AuditReport> {
  const auditor = new Auditor(input);
  for await (const block of input.blocks) {
    await auditor.add(block);
    if (input.toBlock !== undefined && (block.getHeader()?.getNumber() ?? 0) >= input.toBlock) break;
  }
  await auditor.settle();
  const used = new Set(auditor.definitions.map((d) => d.packageSha256));
  const findings = [...auditor.findings];
  if (auditor.checkpoint === undefined) {
    // Not even a genesis block: an audit of nothing must not pass (a wrong source, an empty ledger).
    findings.push({ code: 'NO_BLOCKS', severity: 'critical', blockNumber: -1, message: 'the source delivered no blocks, not even the genesis block: nothing was audited' });
  }
  for (const p of input.packages) {
    if (!used.has(p.packageSha256)) {
      findings.push({
        code: 'PACKAGE_NOT_APPROVED', severity: 'warning', blockNumber: auditor.summary.lastBlock,
        recorded: { packageSha256: p.packageSha256, label: p.label }, message: `supplied package ${p.label} (${p.packageSha256}) is named by no definition in force in the audited blocks`,
      });
    }
  }
  const checkpoint = auditor.checkpoint;
  return {
    format: 'speedledger-audit-report/1',
    summary: { ...auditor.summary, findings: findings.length },
    definitions: auditor.definitions.map((d) => ({ ...d })),
    packagesSupplied: input.packages.map((p) => ({ packageSha256: p.packageSha256, label: p.label, mode: p.mode })),
    findings,
    ...(checkpoint === undefined ? {} : { checkpoint }),
    passed: !findings.some(failsAudit),
  };
}
