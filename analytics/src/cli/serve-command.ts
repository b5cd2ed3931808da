import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { AuditReport } from '../audit/run-audit.js';
import type { AnalyticsCliCommand, AnalyticsCliIo } from './cli-types.js';
import { blockNumber, openSource, SOURCE_OPTIONS } from './source-options.js';

const USAGE = `speedledger analytics serve [source] [--port 8080] [--host 127.0.0.1] [--audit-report report.json]

The ledger dashboard for auditors and the public: blocks and transactions per minute,
transactions by organisation, latest blocks down to each transaction's endorsers, validation
code and read/write set; per meter a speed histogram, time series and violations; each
reading's loop plot with detected edges and recomputed speed; surveillance (and audit)
findings; a page where a citizen checks a reading's signature in the browser against the key
on the ledger. Source as for "speedledger audit". Runs until interrupted.`;

const OPTIONS = { ...SOURCE_OPTIONS, port: { type: 'string' }, host: { type: 'string' }, 'audit-report': { type: 'string' } } as const;

async function run(args: string[], io: AnalyticsCliIo): Promise<number> {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];
  try {
    ({ values } = parseArgs({ args, options: OPTIONS, strict: true }));
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  try {
    const port = blockNumber(values.port, '--port') ?? 8080;
    const auditReport = values['audit-report'] === undefined ? undefined : (JSON.parse(await readFile(values['audit-report'], 'utf8')) as AuditReport);
    const { startDashboard } = await import('../adapters/dashboard-server.js');
    const source = await openSource(values, true);
    const dashboard = await startDashboard({
      blocks: source.blocks(0), port, host: values.host ?? '127.0.0.1', ...(auditReport ? { auditReport } : {}),
      onError: (error) => io.stderr.write(`following blocks failed: ${(error as Error).message}\n`),
    });
    io.stdout.write(`dashboard at ${dashboard.url}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await dashboard.close();
    await source.close();
    return 0;
  } catch (error) {
    const e = error as Error & { code?: string };
    io.stderr.write(`analytics serve failed: ${typeof e.code === 'string' ? `${e.code}: ` : ''}${e.message}\n`);
    return e.code === 'BAD_ARGUMENT' ? 2 : 1;
  }
}

/** `speedledger analytics serve`. */
export const serveCommand: AnalyticsCliCommand = { path: ['analytics', 'serve'], summary: 'the ledger dashboard (blocks, meters, readings, findings, citizen signature check)', usage: USAGE, run };
