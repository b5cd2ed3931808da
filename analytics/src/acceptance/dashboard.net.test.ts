import '../test-support/quiet-logs.js';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDataset, type FleetMeter, type GeneratedReading } from '@speedledger/datasets';
import { connectGateway, type LedgerClient } from '@speedledger/ledger-client';
import { DLR1 } from '@speedledger/lr-chaincode/core';
import { connectionProfilePath, defaultPackageFile, downNetwork, findOrg, freeBasePort, identityDir, portSpan, upNetwork } from '@speedledger/network';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverBlockSource, type BlockSource } from '../adapters/block-sources.js';
import { startDashboard, type Dashboard } from '../adapters/dashboard-server.js';
import { parseEndorserTransaction } from '../audit/endorser-transaction.js';

/*
 * The dashboard in headless Chromium (Debian's /usr/bin/chromium via playwright-core) against a
 * live embedded network: every page loads, the numbers shown are checked against the ledger
 * (blocks read independently through Deliver, records through the LR contract's queries), a
 * genuine and a tampered reading are checked on the citizen page. Screenshots go to
 * analytics/test-artifacts/ (gitignored).
 */
const CHROMIUM = '/usr/bin/chromium';
const packageFile = defaultPackageFile();
const missing = !existsSync(packageFile) ? `chaincode package ${packageFile}` : !existsSync(CHROMIUM) ? CHROMIUM : undefined;
if (missing && process.env.CI) throw new Error(`dashboard browser test cannot run: ${missing} is missing`);
const artifacts = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-artifacts');

let dataDir = '';
let profileDir = '';
let failed = false;
let meters: FleetMeter[] = [];
const submitted: { reading: GeneratedReading; txId: string }[] = [];
let source: BlockSource | undefined;
let dashboard: Dashboard | undefined;
let browser: BrowserContext | undefined;

function connectAs(org: string, user: string): Promise<LedgerClient> {
  return connectGateway({ connectionProfile: connectionProfilePath(dataDir, org), mspId: findOrg(org)!.mspId, mspDir: identityDir(dataDir, org, user) });
}

function deliver(idleMs: number): Promise<BlockSource> {
  return deliverBlockSource({ connectionProfile: connectionProfilePath(dataDir, 'ptb'), mspId: 'PTBMSP', mspDir: identityDir(dataDir, 'ptb', 'User1'), idleMs });
}

async function visit(path: string, shot: string): Promise<Page> {
  const page = await browser!.newPage();
  const response = await page.goto(`${dashboard!.url}${path}`);
  expect(response?.status(), path).toBe(200);
  await page.screenshot({ path: join(artifacts, `${shot}.png`), fullPage: true });
  return page;
}

describe.skipIf(missing !== undefined)('dashboard in headless Chromium against a live network', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    await mkdir(artifacts, { recursive: true });
    const dataset = createDataset({ meters: 2, readings: 16, seed: 4242, mix: 'clean' });
    meters = [...dataset.fleet.meters];
    const readings = [...dataset.readings()];
    dataDir = await mkdtemp(join(tmpdir(), 'speedledger-dashboard-'));
    try {
      await upNetwork({ dataDir, basePort: await freeBasePort(portSpan(4)), healthTimeoutMs: 90_000 });
      const registrar = await connectAs('inmetro', 'Registrar');
      const operator = await connectAs('cityoperator', 'User1');
      try {
        for (const m of meters) await registrar.registerMeter(m.meterId, m.publicKeyHex, m.site);
        for (const r of readings.slice(0, 5)) submitted.push({ reading: r, txId: (await operator.submitReading(r.bytes)).transactionId });
        await operator.submitReadings(readings.slice(5, 9).map((r) => r.bytes));
      } finally {
        await registrar.close();
        await operator.close();
      }
      source = await deliver(Number.POSITIVE_INFINITY);
      dashboard = await startDashboard({ blocks: source.blocks(0) });
      profileDir = await mkdtemp(join(tmpdir(), 'speedledger-chromium-'));
      browser = await chromium.launchPersistentContext(profileDir, {
        executablePath: CHROMIUM, headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
    } catch (error) {
      failed = true;
      throw error;
    }
  }, 240_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await dashboard?.close().catch(() => undefined);
    await source?.close().catch(() => undefined);
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
    if (!dataDir) return;
    await downNetwork(dataDir, 5_000).catch((error: unknown) => console.error(`downNetwork failed: ${String(error)}`));
    if (failed) console.error(`dashboard test failed: network data kept in ${dataDir}`);
    else await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('overview, block and transaction pages show what the ledger holds', async () => {
    // the ledger, read independently
    const truth = await deliver(2_000);
    let height = 0;
    let transactions = 0;
    const byOrg = new Map<string, number>();
    const lastBlockTxs: string[] = [];
    try {
      for await (const block of truth.blocks(0)) {
        height += 1;
        lastBlockTxs.length = 0;
        for (const envelope of block.getData()!.getDataList_asU8()) {
          const tx = parseEndorserTransaction(envelope);
          if (tx === undefined) continue;
          transactions += 1;
          lastBlockTxs.push(tx.txId);
          byOrg.set(tx.creatorMspId, (byOrg.get(tx.creatorMspId) ?? 0) + 1);
        }
      }
    } finally {
      await truth.close();
    }
    const deadline = Date.now() + 30_000;
    while (dashboard!.index.blocks.length < height && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));

    const overview = await visit('/', 'overview');
    expect(await overview.textContent('#stat-height')).toBe(String(height));
    expect(await overview.textContent('#stat-transactions')).toBe(String(transactions));
    const bars = await overview.$$eval('#chart-tx-by-org .bar', (gs) => gs.map((g) => [g.getAttribute('data-label'), Number(g.getAttribute('data-value'))]));
    expect(new Map(bars as [string, number][])).toEqual(byOrg);
    expect(await overview.$$eval('#latest-blocks tr', (rows) => rows.length - 1)).toBe(Math.min(10, height));

    const block = await visit(`/block/${height - 1}`, 'block');
    expect(await block.$$eval('#block-transactions tr', (rows) => rows.length - 1)).toBe(lastBlockTxs.length);

    const first = submitted[0]!;
    const tx = await visit(`/tx/${first.txId}`, 'transaction');
    expect(await tx.textContent('#tx-validation')).toBe('VALID');
    expect((await tx.textContent('#tx-endorsers'))!.split(', ').length).toBeGreaterThanOrEqual(2);
    expect(await tx.$$eval('#tx-writes tr', (rows) => rows.length - 1)).toBeGreaterThanOrEqual(2);
    await visit('/meters', 'meters');
    await visit('/findings', 'findings');
  });

  it('meter and reading pages: counts, histogram and speeds match the ledger records', async () => {
    const meter = meters.find((m) => submitted.some((s) => s.reading.truth.meterId === m.meterId))!;
    const client = await connectAs('cityoperator', 'User1');
    let records;
    try {
      records = (await client.listMeasurements(meter.meterId)).items;
    } finally {
      await client.close();
    }
    const page = await visit(`/meter/${meter.meterId}`, 'meter');
    expect(await page.textContent('#meter-records')).toBe(String(records.length));
    const accepted = records.filter((r) => r.verdict === 'ACCEPTED');
    expect(await page.textContent('#meter-accepted')).toBe(String(accepted.length));
    expect(await page.textContent('#meter-violations')).toBe(String(records.filter((r) => r.violation).length));
    const histogramTotal = await page.$$eval('#chart-speed-histogram .bar', (gs) => gs.reduce((s, g) => s + Number(g.getAttribute('data-value')), 0));
    expect(histogramTotal).toBe(accepted.length);

    const record = accepted[0]!;
    const reading = await visit(`/reading/${meter.meterId}/${record.seq}`, 'reading');
    const speed = (record.speedCentiKmh! / 100).toFixed(2);
    expect(await reading.textContent('#speed-recorded')).toContain(`${speed} km/h`);
    expect(await reading.textContent('#speed-recomputed')).toContain(`${speed} km/h ACCEPTED`);
    expect(await reading.$$eval('#chart-loops .series', (s) => s.length)).toBe(2);
    expect(await reading.$$eval('#chart-loops .marker', (m) => m.length)).toBe(4);
  });

  it('citizen verify page: a genuine reading verifies in the browser, a tampered one does not', async () => {
    const genuine = submitted[1]!.reading;
    const page = await visit('/verify', 'verify-empty');
    await page.fill('#reading-text', Buffer.from(genuine.bytes).toString('base64'));
    await page.click('#verify-button');
    await page.waitForSelector('#verify-result[data-verdict]');
    expect(await page.getAttribute('#verify-result', 'data-verdict')).toBe('genuine');
    expect(await page.textContent('#verify-result')).toContain(`${genuine.truth.meterId}/${genuine.truth.seq}`);
    await page.screenshot({ path: join(artifacts, 'verify-genuine.png'), fullPage: true });

    const tampered = Uint8Array.from(genuine.bytes);
    tampered[DLR1.HEADER_BYTES + 1] = tampered[DLR1.HEADER_BYTES + 1]! ^ 0x01;
    await page.$eval('#verify-result', (el) => el.removeAttribute('data-verdict'));
    await page.fill('#reading-text', Buffer.from(tampered).toString('hex'));
    await page.click('#verify-button');
    await page.waitForSelector('#verify-result[data-verdict]');
    expect(await page.getAttribute('#verify-result', 'data-verdict')).toBe('invalid');
    expect(await page.textContent('#verify-result')).toContain('INVALID');
    await page.screenshot({ path: join(artifacts, 'verify-tampered.png'), fullPage: true });

    // the same genuine reading as an uploaded file
    const upload = await visit('/verify', 'verify-upload');
    await upload.setInputFiles('#reading-file', { name: 'reading.dlr', mimeType: 'application/octet-stream', buffer: Buffer.from(genuine.bytes) });
    await upload.click('#verify-button');
    await upload.waitForSelector('#verify-result[data-verdict]');
    expect(await upload.getAttribute('#verify-result', 'data-verdict')).toBe('genuine');
  });
});
