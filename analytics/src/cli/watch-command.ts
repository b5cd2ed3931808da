import { parseArgs } from 'node:util';
import type { BlockSource } from '../adapters/block-sources.js';
import type { SurveillanceStore } from '../surveillance/surveillance-store.js';
import type { AnalyticsCliCommand, AnalyticsCliIo } from './cli-types.js';
import { blockNumber, openSource, SOURCE_OPTIONS } from './source-options.js';

const USAGE = `speedledger analytics watch --db FILE.sqlite [source] [--refusals FILE.jsonl] [--once] [--every-blocks 20]

Public surveillance: follows the channel's blocks (source as for "speedledger audit":
--data-dir DIR [--org ORG --user USER], --connection-profile FILE --msp-id ID --msp-dir DIR, or
--block-store DIR) into a SQLite database and flags what no single record shows: a meter biased
against the others on its road or drifting, an invalidation rate far above the fleet's, a meter
clock offset or drifting against the ledger's time, lost readings (sequence gaps), replays and
conflicts, endorsement policy failures, and the ingest tier's refusals (--refusals: a JSON-lines
log, one {"at"|"atMs", "code", "meterId", "seq", "txId"} per line). Each finding: severity,
evidence (tx ids), one sentence. Restarts continue from the database's position.

Prints each evaluation's active findings as one JSON line. --once stops at the chain head.`;

const OPTIONS = { ...SOURCE_OPTIONS, db: { type: 'string' }, refusals: { type: 'string' }, once: { type: 'boolean' }, 'every-blocks': { type: 'string' }, chaincode: { type: 'string' } } as const;

async function run(args: string[], io: AnalyticsCliIo): Promise<number> {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];
  try {
    ({ values } = parseArgs({ args, options: OPTIONS, strict: true }));
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.db === undefined) {
    io.stderr.write(`--db is required\n${USAGE}\n`);
    return 2;
  }
  // Loaded on use: `speedledger --help` must not load SQLite and the detectors.
  const [{ jsonlRefusalSource }, { openSqliteStore }, { nextBlockOf, watchLedger }] = await Promise.all([
    import('../adapters/jsonl-refusal-source.js'), import('../adapters/sqlite-store.js'), import('../surveillance/watch-ledger.js'),
  ]);
  let store: SurveillanceStore | undefined;
  let source: BlockSource | undefined;
  try {
    const every = blockNumber(values['every-blocks'], '--every-blocks');
    store = openSqliteStore(values.db);
    source = await openSource(values, values.once !== true);
    const from = nextBlockOf(store);
    const findings = await watchLedger({
      blocks: source.blocks(from), store, now: () => Date.now(), chaincodeName: values.chaincode ?? 'lr-chaincode',
      ...(values.refusals === undefined ? {} : { refusals: jsonlRefusalSource(values.refusals) }),
      ...(every === undefined ? {} : { everyBlocks: Math.max(1, every) }),
      onFindings: (active) => io.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), nextBlock: nextBlockOf(store!), findings: active })}\n`),
      onRefusalProblem: (p) => io.stderr.write(`refusal log line ${p.line} skipped: ${p.message}\n`),
    });
    io.stderr.write(`surveillance: ${findings.length} active findings, next block ${nextBlockOf(store)}\n`);
    return 0;
  } catch (error) {
    const e = error as Error & { code?: string };
    io.stderr.write(`analytics watch failed: ${typeof e.code === 'string' ? `${e.code}: ` : ''}${e.message}\n`);
    return e.code === 'BAD_ARGUMENT' ? 2 : 1;
  } finally {
    await source?.close();
    store?.close();
  }
}

/** `speedledger analytics watch`. */
export const watchCommand: AnalyticsCliCommand = { path: ['analytics', 'watch'], summary: 'follow the blocks and flag biased, drifting or lossy meters, replays and refusals (SQLite)', usage: USAGE, run };
