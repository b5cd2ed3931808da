import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { common } from '@hyperledger/fabric-protos';
import { LedgerIndex } from '../dashboard/ledger-index.js';
import { blockPage, findingsPage, layout, meterPage, metersPage, overviewPage, readingPage, transactionPage, verifyPage } from '../dashboard/pages.js';
import { surveil } from '../surveillance/surveil.js';
import type { AuditReport } from '../audit/run-audit.js';

/** Options of {@link startDashboard}. */
export interface DashboardOptions {
  /** Full blocks from 0, followed for as long as the dashboard runs. */
  readonly blocks: AsyncIterable<common.Block>;
  /** Default 127.0.0.1 and an ephemeral port. */
  readonly host?: string;
  readonly port?: number;
  /** An audit report to show on the findings page. */
  readonly auditReport?: AuditReport;
  readonly now?: () => number;
  /** Called when following the blocks fails (the pages keep serving what was indexed). */
  readonly onError?: (error: unknown) => void;
}

/** A running dashboard. */
export interface Dashboard {
  readonly url: string;
  readonly index: LedgerIndex;
  close(): Promise<void>;
}

const browserEntry = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'browser', 'verify-reading.js');

/** Bundles the citizen verify script (and @noble/curves) for the browser, once, in memory. */
async function verifyBundle(): Promise<string> {
  const result = await build({ entryPoints: [browserEntry], bundle: true, format: 'iife', platform: 'browser', target: 'es2020', minify: true, write: false, logLevel: 'silent' });
  return result.outputFiles[0]!.text;
}

/**
 * Starts the dashboard: an HTTP server of server-rendered pages and SVG charts (no CDN, no
 * client framework) over a ledger index fed by `blocks`, plus `/api/meters/<id>` (the
 * registered key, for the verify page) and `/assets/verify.js` (bundled @noble/curves).
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const index = new LedgerIndex();
  const now = options.now ?? (() => Date.now());
  const script = await verifyBundle();
  let stopped = false;
  const following = (async () => {
    for await (const block of options.blocks) {
      if (stopped) break;
      index.add(block);
    }
  })().catch((error: unknown) => options.onError?.(error));

  const send = (res: ServerResponse, status: number, type: string, body: string): void => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  const html = (res: ServerResponse, page: string | undefined): void => (page === undefined ? send(res, 404, 'text/html; charset=utf-8', layout('Not found', '<p>Nothing here on this ledger.</p>')) : send(res, 200, 'text/html; charset=utf-8', page));
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const parts = url.pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
    if (req.method !== 'GET') return send(res, 405, 'text/plain', 'GET only');
    switch (parts[0]) {
      case undefined: return html(res, overviewPage(index, now()));
      case 'block': return html(res, /^[0-9]+$/.test(parts[1] ?? '') ? blockPage(index, Number(parts[1])) : undefined);
      case 'tx': return html(res, transactionPage(index, parts[1] ?? ''));
      case 'meters': return html(res, metersPage(index));
      case 'meter': return html(res, meterPage(index, parts[1] ?? ''));
      case 'reading': return html(res, readingPage(index, parts[1] ?? '', parts[2] ?? ''));
      case 'findings': return html(res, findingsPage(surveil({ observations: index.observations, invalid: index.invalid }), options.auditReport));
      case 'verify': return html(res, verifyPage());
      case 'assets': return parts[1] === 'verify.js' ? send(res, 200, 'text/javascript; charset=utf-8', script) : send(res, 404, 'text/plain', 'no such asset');
      case 'api': {
        if (parts[1] === 'meters' && parts[2] !== undefined) {
          const meter = index.meters.get(parts[2]);
          return meter === undefined ? send(res, 404, 'application/json', '{"error":"UNKNOWN_METER"}') : send(res, 200, 'application/json', JSON.stringify({ meterId: meter.meterId, publicKeyHex: meter.publicKeyHex, status: meter.status }));
        }
        if (parts[1] === 'summary') return send(res, 200, 'application/json', JSON.stringify({ height: index.blocks.length, transactions: index.transactions.size, records: index.observations.length }));
        return send(res, 404, 'application/json', '{"error":"NOT_FOUND"}');
      }
      default: return html(res, undefined);
    }
  };
  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      send(res, 500, 'text/plain', `dashboard error: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    index,
    async close() {
      stopped = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      void following;
    },
  };
}
