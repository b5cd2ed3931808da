import { readFile, rename, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { BlockSource } from '../adapters/block-sources.js';
import type { AuditCheckpoint } from '../audit/auditor.js';
import type { PackageExecutor } from '../audit/reexecution.js';
import { AnalyticsError } from '../errors/analytics-error.js';
import type { AnalyticsCliCommand, AnalyticsCliIo } from './cli-types.js';
import { blockNumber, openSource, SOURCE_OPTIONS } from './source-options.js';

const USAGE = `speedledger audit --package FILE... [source] [--from-block N] [--to-block M]
                  [--out report.json|report.html] [--checkpoint FILE] [--chaincode lr-chaincode]
                  [--reexec direct|shim] [--workers N]

Re-executes the approved LR package on the raw signed readings in the blocks and reports every
record that does not reproduce. Reads blocks from 0 (the genesis block carries the consenters
and MSPs the audit trusts); blocks before --from-block (or the checkpoint) only rebuild state.

source, one of:
  --connection-profile FILE --msp-id ID --msp-dir DIR [--peer NAME] [--channel C]
                       Deliver from any peer (real Fabric or the embedded network)
  --data-dir DIR [--org cityoperator] [--user User1]
                       the same, with the embedded network's files (DIR/connection-ORG.json)
  --block-store DIR [--channel C]
                       offline: a stopped peer's data directory (e.g. NET/data/peer0.inmetro)

--package FILE   a chaincode package (tar.gz) the notified body approved; repeat for every
                 version on the ledger. Each is used only for blocks whose committed definition
                 names its SHA-256.
--checkpoint F   resume after the block F records (if F exists) and write the new end to F.
--out FILE       the report (JSON, or HTML when FILE ends in .html); default JSON on stdout.
--reexec MODE    direct (default): the package's contracts through fabric-shim's own stub and
                 contract dispatch, in process; shim: through fabric-shim's ChaincodeMessage
                 protocol, as a peer runs them (slower; a cross-check). Same package bytes.
--workers N      1 (default): re-execute in the audit's own thread. N ≥ 2: in N worker
                 threads, each loading the package itself and replicating the rebuilt state,
                 while the audit goes on validating later blocks; the same report, on up to
                 N + 1 cores. Worth it only with cores to spare (not on a loaded machine).

Exit 0 when nothing failed, 1 when any record mismatches or any check fails, 2 on bad usage.`;

const OPTIONS = {
  ...SOURCE_OPTIONS,
  package: { type: 'string', multiple: true },
  'from-block': { type: 'string' },
  'to-block': { type: 'string' },
  out: { type: 'string' },
  checkpoint: { type: 'string' },
  chaincode: { type: 'string' },
  reexec: { type: 'string' },
  workers: { type: 'string' },
} as const;

async function readCheckpoint(file: string): Promise<AuditCheckpoint | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined; // first run
  }
  try {
    const c = JSON.parse(text) as Partial<AuditCheckpoint>;
    if (typeof c.channelId === 'string' && Number.isSafeInteger(c.lastBlock) && typeof c.lastHeaderHash === 'string' && /^[0-9a-f]{64}$/.test(c.lastHeaderHash)) {
      return { channelId: c.channelId, lastBlock: c.lastBlock!, lastHeaderHash: c.lastHeaderHash };
    }
  } catch {
    // reported below
  }
  throw new AnalyticsError('BAD_CHECKPOINT', `${file} is not an audit checkpoint (channelId, lastBlock, lastHeaderHash)`, { file });
}

/** A progress line on a TTY (stderr), nothing otherwise. */
function progress(io: AnalyticsCliIo & { stderr: { isTTY?: boolean } }): ((p: { blockNumber: number; transactions: number; findings: number }) => void) | undefined {
  if (io.stderr.isTTY !== true) return undefined;
  const frames = ['|', '/', '-', '\\'];
  return (p) => io.stderr.write(`\r${frames[p.blockNumber % 4]} audit: block ${p.blockNumber}, ${p.transactions} transactions, ${p.findings} findings   `);
}

async function run(args: string[], io: AnalyticsCliIo): Promise<number> {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];
  try {
    ({ values } = parseArgs({ args, options: OPTIONS, strict: true }));
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if ((values.package ?? []).length === 0) {
    io.stderr.write(`--package is required: the audit re-executes only the package the auditor supplies\n${USAGE}\n`);
    return 2;
  }
  const reexec = values.reexec ?? 'direct';
  if (reexec !== 'direct' && reexec !== 'shim') {
    io.stderr.write(`--reexec must be direct or shim, not ${reexec}\n${USAGE}\n`);
    return 2;
  }
  const workers = values.workers === undefined ? 1 : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
    io.stderr.write(`--workers must be an integer from 1 to 64, not ${values.workers}\n${USAGE}\n`);
    return 2;
  }
  // Loaded on use: `speedledger --help` must not pay for the peer's chaincode runtime.
  const [{ loadApprovedPackage }, { loadApprovedPackagePool }, { runAudit }, { auditReportHtml }] = await Promise.all([
    import('../adapters/approved-package.js'), import('../adapters/package-worker-pool.js'), import('../audit/run-audit.js'), import('../audit/report-html.js'),
  ]);
  const packages: PackageExecutor[] = [];
  let source: BlockSource | undefined;
  try {
    const fromBlock = blockNumber(values['from-block'], '--from-block');
    const toBlock = blockNumber(values['to-block'], '--to-block');
    const resume = values.checkpoint === undefined ? undefined : await readCheckpoint(values.checkpoint);
    const chaincodeName = values.chaincode ?? 'lr-chaincode';
    for (const file of values.package!) {
      packages.push(workers === 1 ? await loadApprovedPackage(file, { chaincodeName, reexec }) : await loadApprovedPackagePool(file, { chaincodeName, reexec, workers }));
    }
    source = await openSource(values);
    const onProgress = progress(io);
    const report = await runAudit({ blocks: source.blocks(0, toBlock), packages, ...(toBlock === undefined ? {} : { toBlock }), ...(fromBlock === undefined ? {} : { fromBlock }), ...(resume === undefined ? {} : { resume }), ...(onProgress ? { onProgress } : {}) });
    if (onProgress) io.stderr.write('\n');
    const json = `${JSON.stringify(report, null, 2)}\n`;
    if (values.out === undefined) io.stdout.write(json);
    else await writeFile(values.out, values.out.endsWith('.html') ? auditReportHtml(report) : json);
    if (values.checkpoint !== undefined && report.checkpoint !== undefined) {
      await writeFile(`${values.checkpoint}.tmp`, `${JSON.stringify(report.checkpoint, null, 2)}\n`);
      await rename(`${values.checkpoint}.tmp`, values.checkpoint);
    }
    const s = report.summary;
    io.stderr.write(`audit ${report.passed ? 'passed' : 'FAILED'}: blocks ${s.fromBlock}-${s.lastBlock}, ${s.reexecutedTransactions} transactions re-executed, ${s.readingsChecked} readings checked, ${report.findings.length} findings\n`);
    return report.passed ? 0 : 1;
  } catch (error) {
    const e = error as Error & { code?: string };
    io.stderr.write(`audit failed: ${typeof e.code === 'string' ? `${e.code}: ` : ''}${e.message}\n`);
    return e instanceof AnalyticsError && e.code === 'BAD_ARGUMENT' ? 2 : 1;
  } finally {
    for (const p of packages) p.close();
    await source?.close();
  }
}

/** `speedledger audit`. */
export const auditCommand: AnalyticsCliCommand = { path: ['audit'], summary: "re-execute the approved LR package over the ledger's blocks and report every mismatch", usage: USAGE, run };
