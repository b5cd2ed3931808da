import { connectGateway, type LedgerClient, type Page, type PageRequest, type TimeWindow } from '@speedledger/ledger-client';
import { connectionProfilePath, identityDir } from '../runtime/network-control.js';
import { resolveOrg } from '../runtime/identity-lookup.js';
import { readManifest } from '../runtime/manifest-store.js';
import { DATA_DIR_OPTION, defaultDataDir, parseOrUsage, reportFailure, usageProblem, type NetworkCliCommand, type NetworkCliIo } from './cli-support.js';

type Measurement = Awaited<ReturnType<LedgerClient['getMeasurement']>>;

const WINDOW_HELP = `  --from T, --to T   time window [from, to) of the readings' t0 (meter clock): ISO 8601
                     (2026-03-02T08:00:00Z) or integer µs since the epoch; open ends by default
  --page-size N      records per page (default 100); --bookmark B continues after a page;
                     --all follows the bookmarks to the end
  --json             one JSON line per record (the ledger record as is), then
                     {"bookmark": B} when more pages follow
  Text: one line per record, in the ledger's order (time order of t0):
    METER SEQ T0 VERDICT SPEED(km/h) TOLERANCE CONSIDERED LIMIT violation|- (or the refusal reason) TX`;

/** µs since the epoch from ISO 8601 or an integer; undefined when neither. Pure. */
export function parseInstantUs(text: string): bigint | undefined {
  if (/^-?\d{1,19}$/.test(text)) return BigInt(text);
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : BigInt(ms) * 1000n;
}

const kmh = (centi: number | null): string => (centi === null ? '-' : (centi / 100).toFixed(2));

/** The text line of one measurement record (see the usage for the columns). Pure. */
export function measurementLine(m: Measurement): string {
  const t0 = new Date(Number(BigInt(m.t0Us) / 1000n)).toISOString();
  const outcome = m.verdict === 'ACCEPTED' ? (m.violation ? 'violation' : '-') : (m.reason ?? 'refused');
  return [m.meterId, m.seq, t0, m.verdict, kmh(m.speedCentiKmh), kmh(m.toleranceCentiKmh), kmh(m.consideredSpeedCentiKmh), m.speedLimitKmh, outcome, m.txId].join(' ');
}

const LIST_OPTIONS = {
  ...DATA_DIR_OPTION, org: { type: 'string', default: 'cityoperator' }, from: { type: 'string' }, to: { type: 'string' },
  'page-size': { type: 'string', default: '100' }, bookmark: { type: 'string' }, all: { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
} as const;

type ListValues = { [K in keyof typeof LIST_OPTIONS]?: string | boolean };

function windowAndPage(values: ListValues): { window: TimeWindow; page: PageRequest } | string {
  const window: { fromUs?: bigint; toUs?: bigint } = {};
  for (const end of ['from', 'to'] as const) {
    const text = values[end] as string | undefined;
    if (text === undefined) continue;
    const us = parseInstantUs(text);
    if (us === undefined) return `--${end} must be ISO 8601 or integer µs, not ${JSON.stringify(text)}`;
    window[end === 'from' ? 'fromUs' : 'toUs'] = us;
  }
  const pageSize = Number(values['page-size']);
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) return '--page-size must be a positive integer';
  return { window, page: { pageSize, ...(values.bookmark === undefined ? {} : { bookmark: values.bookmark as string }) } };
}

async function listPages(io: NetworkCliIo, values: ListValues, what: string, fetch: (client: LedgerClient, page: PageRequest) => Promise<Page<Measurement>>, first: PageRequest): Promise<number> {
  try {
    const manifest = await readManifest((values['data-dir'] as string | undefined) ?? defaultDataDir());
    const org = resolveOrg(manifest, values.org as string);
    const client = await connectGateway({
      connectionProfile: connectionProfilePath(manifest.dataDir, org.dir), mspId: org.mspId, mspDir: identityDir(manifest.dataDir, org.dir, 'User1'),
      channel: manifest.channel, chaincode: manifest.chaincode.name,
    });
    let count = 0;
    try {
      let page = first;
      while (true) {
        const result = await fetch(client, page);
        for (const m of result.items) io.stdout.write(values.json === true ? `${JSON.stringify(m)}\n` : `${measurementLine(m)}\n`);
        count += result.items.length;
        // An empty bookmark (or the same one again) means there is no further page.
        if (result.bookmark === '' || result.bookmark === page.bookmark) break;
        if (values.all !== true) {
          if (values.json === true) io.stdout.write(`${JSON.stringify({ bookmark: result.bookmark })}\n`);
          else io.stderr.write(`more: --bookmark ${result.bookmark}\n`);
          break;
        }
        page = { ...page, bookmark: result.bookmark };
      }
    } finally {
      await client.close();
    }
    io.stderr.write(`${count} ${what}\n`);
    return 0;
  } catch (error) {
    return reportFailure(io, what === 'violations' ? 'violation list' : 'reading list', error, values.json === true);
  }
}

const READING_LIST_USAGE = `speedledger reading list --meter ID [--from T] [--to T] [--page-size 100] [--bookmark B | --all] [--org cityoperator] [--data-dir DIR] [--json]

Lists one meter's measurement records with t0 in the window (lr-chaincode ListMeasurements on
ORG's peer), in time order.
${WINDOW_HELP}`;

/** `speedledger reading list`. */
export const readingListCommand: NetworkCliCommand = {
  path: ['reading', 'list'],
  summary: "List a meter's measurement records in a time window",
  usage: READING_LIST_USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, { ...LIST_OPTIONS, meter: { type: 'string' } }, READING_LIST_USAGE, io);
    if (parsed === undefined) return 2;
    const { meter } = parsed.values;
    if (meter === undefined) return usageProblem(io, '--meter is required', READING_LIST_USAGE);
    const request = windowAndPage(parsed.values);
    if (typeof request === 'string') return usageProblem(io, request, READING_LIST_USAGE);
    return listPages(io, parsed.values, 'readings', (client, page) => client.listMeasurements(meter, request.window, page), request.page);
  },
};

const VIOLATION_LIST_USAGE = `speedledger violation list [--meter ID] [--from T] [--to T] [--page-size 100] [--bookmark B | --all] [--org cityoperator] [--data-dir DIR] [--json]

Lists the violations of every meter with t0 in the window (lr-chaincode ListViolations on ORG's
peer), in time order; --meter keeps one meter's (filtered here, after paging).
${WINDOW_HELP}`;

/** `speedledger violation list`. */
export const violationListCommand: NetworkCliCommand = {
  path: ['violation', 'list'],
  summary: 'List violations in a time window',
  usage: VIOLATION_LIST_USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, { ...LIST_OPTIONS, meter: { type: 'string' } }, VIOLATION_LIST_USAGE, io);
    if (parsed === undefined) return 2;
    const request = windowAndPage(parsed.values);
    if (typeof request === 'string') return usageProblem(io, request, VIOLATION_LIST_USAGE);
    const { meter } = parsed.values;
    return listPages(io, parsed.values, 'violations', async (client, page) => {
      const result = await client.listViolations(request.window, page);
      return meter === undefined ? result : { ...result, items: result.items.filter((m) => m.meterId === meter) };
    }, request.page);
  },
};
