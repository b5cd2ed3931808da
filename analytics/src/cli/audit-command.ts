import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { blockStoreSource, deliverBlockSource, type BlockSource } from '../adapters/block-sources.js';
import { loadApprovedPackage } from '../adapters/approved-package.js';
import type { AuditCheckpoint } from '../audit/auditor.js';
import type { PackageExecutor } from '../audit/reexecution.js';
import { auditReportHtml } from '../audit/report-html.js';
import { runAudit } from '../audit/run-audit.js';
import { AnalyticsError } from '../errors/analytics-error.js';
import type { AnalyticsCliCommand, AnalyticsCliIo } from './cli-types.js';

const USAGE = `speedledger audit --package FILE... [source] [--from-block N] [--to-block M]
                  [--out report.json|report.html] [--checkpoint FILE] [--chaincode lr-chaincode]

Re-executes the approved LR package on the raw signed readings in the blocks and reports every
record that does not reproduce. Reads blocks from 0 (the genesis block carries the consenters
and MSPs the audit trusts); blocks before --from-block (or the checkpoint) only rebuild state.

source, one of:
  --connection-profile FILE --msp-id ID --msp-dir DIR [--peer NAME] [--channel C]
                       Deliver from any peer (real Fabric or the embedded network)
  --data-dir DIR [--org cityoperator] [--user User1]
                       the same, with the embedded network's files (DIR/connection-ORG.json)
  --block-store DIR [--channel C]
                       offline: a stopped peer's ledger directory (DIR/data/peer<k>)

--package FILE   a chaincode package (tar.gz) the notified body approved; repeat for every
                 version on the ledger. Each is used only for blocks whose committed definition
                 names its SHA-256.
--checkpoint F   resume after the block F records (if F exists) and write the new end to F.
--out FILE       the report (JSON, or HTML when FILE ends in .html); default JSON on stdout.

Exit 0 when nothing failed, 1 when any record mismatches or any check fails, 2 on bad usage.`;

const OPTIONS = {
  package: { type: 'string', multiple: true },
  'connection-profile': { type: 'string' },
  'msp-id': { type: 'string' },
  'msp-dir': { type: 'string' },
  peer: { type: 'string' },
  channel: { type: 'string' },
  'data-dir': { type: 'string' },
  org: { type: 'string' },
  user: { type: 'string' },
  'block-store': { type: 'string' },
  'from-block': { type: 'string' },
  'to-block': { type: 'string' },
  out: { type: 'string' },
  checkpoint: { type: 'string' },
  chaincode: { type: 'string' },
  'idle-ms': { type: 'string' },
} as const;

function blockNumber(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new AnalyticsError('BAD_ARGUMENT', `${option} must be a block number, got ${JSON.stringify(text)}`, { option });
  return Number(text);
}

async function mspIdOf(profileFile: string, org: string): Promise<string> {
  const profile = JSON.parse(await readFile(profileFile, 'utf8')) as { client?: { organization?: string }; organizations?: Record<string, { mspid?: string }> };
  const name = profile.client?.organization;
  const mspId = name === undefined ? undefined : profile.organizations?.[name]?.mspid;
  if (mspId === undefined) throw new AnalyticsError('BAD_ARGUMENT', `${profileFile} names no client organisation with an mspid (org ${org})`, { file: profileFile });
  return mspId;
}

/** The embedded network's user MSP directory: DIR/organizations/<org>/users/<User>@<domain>/msp. */
async function userMspDir(dataDir: string, org: string, user: string): Promise<string> {
  const users = join(dataDir, 'organizations', org, 'users');
  const entries = await readdir(users).catch((cause: unknown) => {
    throw new AnalyticsError('BAD_ARGUMENT', `no organisation ${org} in ${dataDir}`, { org }, cause);
  });
  const found = entries.find((e) => e.toLowerCase().startsWith(`${user.toLowerCase()}@`));
  if (found === undefined) throw new AnalyticsError('BAD_ARGUMENT', `organisation ${org} has no user ${user} (${entries.join(', ')})`, { org, user });
  return join(users, found, 'msp');
}

async function openSource(values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values']): Promise<BlockSource> {
  const given = [values['block-store'], values['connection-profile'], values['data-dir']].filter((v) => v !== undefined).length;
  if (given !== 1) throw new AnalyticsError('BAD_ARGUMENT', 'give exactly one source: --connection-profile, --data-dir or --block-store');
  const idleMs = blockNumber(values['idle-ms'], '--idle-ms');
  const channel = values.channel ?? 'speedledger';
  if (values['block-store'] !== undefined) return blockStoreSource(resolve(values['block-store']), channel);
  if (values['data-dir'] !== undefined) {
    const dir = resolve(values['data-dir']);
    const org = (values.org ?? 'cityoperator').toLowerCase();
    const connectionProfile = join(dir, `connection-${org}.json`);
    const mspId = await mspIdOf(connectionProfile, org);
    return deliverBlockSource({ connectionProfile, mspId, mspDir: await userMspDir(dir, org, values.user ?? 'User1'), channel, ...(values.peer ? { peer: values.peer } : {}), ...(idleMs === undefined ? {} : { idleMs }) });
  }
  if (values['msp-id'] === undefined || values['msp-dir'] === undefined) throw new AnalyticsError('BAD_ARGUMENT', '--connection-profile needs --msp-id and --msp-dir');
  return deliverBlockSource({
    connectionProfile: values['connection-profile']!, mspId: values['msp-id'], mspDir: values['msp-dir'], channel,
    ...(values.peer ? { peer: values.peer } : {}), ...(idleMs === undefined ? {} : { idleMs }),
  });
}

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
  const packages: PackageExecutor[] = [];
  let source: BlockSource | undefined;
  try {
    const fromBlock = blockNumber(values['from-block'], '--from-block');
    const toBlock = blockNumber(values['to-block'], '--to-block');
    const resume = values.checkpoint === undefined ? undefined : await readCheckpoint(values.checkpoint);
    for (const file of values.package!) packages.push(await loadApprovedPackage(file, { chaincodeName: values.chaincode ?? 'lr-chaincode' }));
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
