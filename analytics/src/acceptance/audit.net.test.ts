import '../test-support/quiet-logs.js';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataset, type FleetMeter, type GeneratedReading } from '@speedledger/datasets';
import { connectGateway, type LedgerClient } from '@speedledger/ledger-client';
import { decodeDlr1 } from '@speedledger/lr-chaincode/core';
import {
  approveDefinition, CHAINCODE_NAME, commitDefinition, connectionProfilePath, defaultPackageFile, downNetwork, findOrg, freeBasePort, identityDir,
  killProcess, networkStatus, packageFingerprint, portSpan, readManifest, startProcess, upNetwork,
} from '@speedledger/network';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deliverBlockSource } from '../adapters/block-sources.js';
import { loadApprovedPackage } from '../adapters/approved-package.js';
import type { PackageExecutor } from '../audit/reexecution.js';
import { runAudit, type AuditReport } from '../audit/run-audit.js';
import { commands } from '../cli/index.js';
import { openSqliteStore } from '../adapters/sqlite-store.js';

async function cli(args: string[], path = 'audit'): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await commands.find((c) => c.path.join(' ') === path)!.run(args, { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } });
  return { code, out, err };
}

/*
 * The audit against a live embedded network (4 organisations, BFT orderers, separate processes):
 * honest traffic gives zero findings; then LaSIGE's peer is switched Byzantine (the test-only
 * SPEEDLEDGER_TEST_BYZANTINE_PEER switch) and the chaincode definition made permissive (one of
 * three), so LaSIGE alone endorses altered speeds. The audit must flag every altered record and
 * no honest one, each definition audited with its own sequence.
 */
const packageFile = defaultPackageFile();
const missing = existsSync(packageFile) ? undefined : `chaincode package ${packageFile}`;
if (missing && process.env.CI) throw new Error(`audit net test cannot run: ${missing} is missing`);

let dataDir = '';
let failed = false;
let meters: FleetMeter[] = [];
let readings: GeneratedReading[] = [];
let pkg: PackageExecutor;
/** The same package driven over fabric-shim's message protocol: the cross-check of the default direct mode. */
let pkgShim: PackageExecutor;

function connectAs(org: string, user: string, peer?: string): Promise<LedgerClient> {
  return connectGateway({ connectionProfile: connectionProfilePath(dataDir, org), mspId: findOrg(org)!.mspId, mspDir: identityDir(dataDir, org, user), ...(peer ? { peer } : {}) });
}

async function audit(options: { fromBlock?: number } = {}, executor: PackageExecutor = pkg): Promise<AuditReport> {
  const source = await deliverBlockSource({
    connectionProfile: connectionProfilePath(dataDir, 'cityoperator'), mspId: 'CityOperatorMSP', mspDir: identityDir(dataDir, 'cityoperator', 'User1'), idleMs: 2_000,
  });
  try {
    return await runAudit({ blocks: source.blocks(0), packages: [executor], ...options });
  } finally {
    await source.close();
  }
}

const keyOf = (r: GeneratedReading): string => `${r.truth.meterId}/${r.truth.seq}`;

describe.skipIf(missing !== undefined)('audit of a live embedded network', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    const dataset = createDataset({ meters: 4, readings: 48, seed: 20_261_203, mix: 'clean' });
    meters = [...dataset.fleet.meters];
    readings = [...dataset.readings()];
    pkg = await loadApprovedPackage(packageFile);
    pkgShim = await loadApprovedPackage(packageFile, { reexec: 'shim' });
    dataDir = await mkdtemp(join(tmpdir(), 'speedledger-audit-'));
    try {
      // No supervisor: on a loaded machine it restarts a peer it sees stalled, and the restarted
      // LaSIGE peer would come back without the test-only Byzantine switch the fraud case sets.
      await upNetwork({ dataDir, basePort: await freeBasePort(portSpan(4)), healthTimeoutMs: 90_000, supervise: false });
    } catch (error) {
      failed = true;
      throw error;
    }
  }, 240_000);

  afterEach((context) => {
    if (context.task.result?.state === 'fail') failed = true;
  });

  afterAll(async () => {
    pkg?.close();
    pkgShim?.close();
    if (!dataDir) return;
    await downNetwork(dataDir, 5_000).catch((error: unknown) => console.error(`downNetwork failed: ${String(error)}`));
    if (failed) console.error(`audit net test failed: network data kept in ${dataDir}`);
    else await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('honest traffic (single, batched, refused readings, a revocation): zero findings, every transaction re-executed', async () => {
    const registrar = await connectAs('inmetro', 'Registrar');
    const operator = await connectAs('cityoperator', 'User1');
    try {
      for (const m of meters.slice(0, 3)) await registrar.registerMeter(m.meterId, m.publicKeyHex, m.site);
      const ofMeter = (i: number) => readings.filter((r) => r.truth.meterId === meters[i]!.meterId);
      for (const r of ofMeter(0).slice(0, 4)) await operator.submitReading(r.bytes);
      const batch = await operator.submitReadings([...ofMeter(1).slice(0, 4).map((r) => r.bytes), ofMeter(0)[0]!.bytes]);
      expect(batch.results.map((r) => r.status)).toEqual(['recorded', 'recorded', 'recorded', 'recorded', 'refused']);
      await operator.submitReading(ofMeter(2)[0]!.bytes);
      await registrar.revokeMeter(meters[2]!.meterId, 'seal broken');
      await expect(operator.submitReading(ofMeter(2)[1]!.bytes)).rejects.toMatchObject({ contractCode: 'REVOKED_METER' });
    } finally {
      await registrar.close();
      await operator.close();
    }
    const report = await audit();
    expect(report.findings).toEqual([]);
    expect(report.passed).toBe(true);
    // governance init, 3 registrations, 4 + 1 + 1 submissions, 1 revocation
    expect(report.summary.reexecutedTransactions).toBeGreaterThanOrEqual(10);
    expect(report.summary.readingsChecked).toBeGreaterThanOrEqual(10);
    expect(report.definitions).toMatchObject([{ chaincode: CHAINCODE_NAME, sequence: 1, packageSha256: pkg.packageSha256, packageSupplied: true }]);
    expect(pkg.mode).toBe('direct');
    const crossCheck = await audit({}, pkgShim);
    expect(crossCheck.findings).toEqual([]);
    expect(crossCheck.summary).toEqual(report.summary);

    // the command line: JSON on stdout, exit 0, a checkpoint for the nightly run
    const run = await cli(['--data-dir', dataDir, '--package', packageFile, '--checkpoint', join(dataDir, 'audit.checkpoint'), '--idle-ms', '2000']);
    expect(run.err).toContain('audit passed');
    expect((await cli(['--data-dir', dataDir, '--package', packageFile, '--reexec', 'shim', '--idle-ms', '2000'])).code).toBe(0);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ passed: true, findings: [], summary: { reexecutedTransactions: report.summary.reexecutedTransactions } });
    expect(JSON.parse(await readFile(join(dataDir, 'audit.checkpoint'), 'utf8'))).toEqual(report.checkpoint);
  });

  it('surveillance follows the same blocks into SQLite: every record observed once, the ingest tier\'s forgery refusals flagged, a restart continues', async () => {
    const db = join(dataDir, 'surveillance.sqlite');
    const refusals = join(dataDir, 'refusals.jsonl');
    await writeFile(refusals, `${JSON.stringify({ at: new Date().toISOString(), code: 'BAD_SIGNATURE', meterId: meters[0]!.meterId, seq: '99', txId: 'f1' })}\nbroken line\n`);
    const args = ['--data-dir', dataDir, '--db', db, '--refusals', refusals, '--once', '--idle-ms', '2000'];
    const run = await cli(args, 'analytics watch');
    expect(run.code).toBe(0);
    expect(run.err).toContain('refusal log line 2 skipped: not JSON');
    const last = JSON.parse(run.out.trim().split('\n').pop()!) as { findings: { kind: string; meterId?: string; evidence: string[] }[]; nextBlock: number };
    expect(last.findings.map((f) => [f.kind, f.meterId, f.evidence])).toEqual([['FORGERY_ATTEMPT', meters[0]!.meterId, ['f1']]]);
    const store = openSqliteStore(db);
    try {
      // 4 single + 4 batched + 1 of the revoked meter: the honest phase's records
      expect(store.observations().map((o) => o.meterId).sort()).toEqual([...Array(4).fill(meters[0]!.meterId), ...Array(4).fill(meters[1]!.meterId), meters[2]!.meterId].sort());
      expect(store.observations().every((o) => o.road !== '' && o.endorsers.length >= 2)).toBe(true);
    } finally {
      store.close();
    }
    const again = await cli(args, 'analytics watch');
    expect(JSON.parse(again.out.trim().split('\n').pop()!)).toMatchObject({ nextBlock: last.nextBlock, findings: [{ kind: 'FORGERY_ATTEMPT' }] });
    const reopened = openSqliteStore(db);
    expect(reopened.observations()).toHaveLength(9);
    reopened.close();
  });

  it('fraud: a Byzantine LaSIGE peer alone endorses altered speeds under a 1-of-3 policy; the audit flags 100 % of them and no honest record', async () => {
    const manifest = await readManifest(dataDir);
    const lasigePeer = manifest.processes.find((p) => p.kind === 'peer' && p.org === 'lasige')!;
    const inmetroPeer = manifest.processes.find((p) => p.kind === 'peer' && p.org === 'inmetro')!;
    const before = (await networkStatus(dataDir)).members.find((m) => m.name === lasigePeer.name)!.height!;
    await killProcess(dataDir, lasigePeer.name, 'SIGTERM');
    const saved = { ...process.env };
    process.env.SPEEDLEDGER_ALLOW_BYZANTINE = '1';
    process.env.SPEEDLEDGER_TEST_BYZANTINE_PEER = 'LaSIGEMSP';
    try {
      await startProcess(dataDir, lasigePeer.name);
    } finally {
      process.env = saved;
    }
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const me = (await networkStatus(dataDir)).members.find((m) => m.name === lasigePeer.name);
      if (me?.healthy && (me.height ?? 0) >= before) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const permissive = { name: CHAINCODE_NAME, version: '1.1', sequence: 2, packageSha256: await packageFingerprint(packageFile), endorsementPolicy: "OutOf(1, 'InmetroMSP.peer', 'PTBMSP.peer', 'LaSIGEMSP.peer')" };
    for (const org of manifest.orgs) await approveDefinition(manifest, org.dir, permissive);
    await commitDefinition(manifest, 'inmetro', permissive);

    const fraudulent = await connectAs('cityoperator', 'User1', lasigePeer.name);
    const honest = await connectAs('cityoperator', 'User1', inmetroPeer.name);
    const altered = new Set<string>();
    const honestKeys = new Set<string>();
    try {
      const ofMeter1 = readings.filter((r) => r.truth.meterId === meters[1]!.meterId).slice(4, 10);
      const ofMeter0 = readings.filter((r) => r.truth.meterId === meters[0]!.meterId).slice(4, 10);
      for (const r of ofMeter1.slice(0, 3)) await fraudulent.submitReading(r.bytes);
      await fraudulent.submitReadings(ofMeter1.slice(3).map((r) => r.bytes));
      for (const r of ofMeter1) {
        const onLedger = await honest.getMeasurement(r.truth.meterId, BigInt(r.truth.seq));
        if (onLedger.verdict === 'ACCEPTED') altered.add(keyOf(r));
      }
      for (const r of ofMeter0.slice(0, 3)) await honest.submitReading(r.bytes);
      await honest.submitReadings(ofMeter0.slice(3).map((r) => r.bytes));
      for (const r of ofMeter0) honestKeys.add(keyOf(r));
      // the switch worked: the ledger holds a speed the meter's own bytes do not give
      const sample = ofMeter1.find((r) => altered.has(keyOf(r)))!;
      expect(decodeDlr1(sample.bytes).ok).toBe(true);
    } finally {
      await fraudulent.close();
      await honest.close();
    }
    expect(altered.size).toBeGreaterThanOrEqual(4);

    const report = await audit();
    const flagged = new Set(report.findings.filter((f) => f.code === 'RECORD_MISMATCH').map((f) => `${f.meterId}/${f.seq}`));
    expect([...flagged].sort()).toEqual([...altered].sort());
    for (const key of honestKeys) expect(flagged.has(key)).toBe(false);
    for (const f of report.findings.filter((x) => x.code === 'RECORD_MISMATCH')) {
      expect(f.endorsers).toEqual(['LaSIGEMSP']);
      expect((f.recorded as { speedCentiKmh: number }).speedCentiKmh).toBe((f.recomputed as { speedCentiKmh: number }).speedCentiKmh - 1500);
    }
    expect(report.findings.filter((f) => f.code !== 'RECORD_MISMATCH')).toEqual([]);
    expect(report.passed).toBe(false);
    expect(report.definitions.map((d) => [d.sequence, d.version])).toEqual([[1, '1.0'], [2, '1.1']]);
    // the protocol cross-check flags exactly the same records with the same recomputed values
    const crossCheck = await audit({}, pkgShim);
    expect(crossCheck.findings).toEqual(report.findings);
    expect(crossCheck.summary).toEqual(report.summary);

    // worker threads (the CLI's --workers): the same findings, in the same order, the same counts
    const pooled = await cli(['--data-dir', dataDir, '--package', packageFile, '--workers', '2', '--idle-ms', '2000']);
    expect(pooled.code).toBe(1);
    const pooledReport = JSON.parse(pooled.out) as AuditReport;
    expect(pooledReport.findings).toEqual(JSON.parse(JSON.stringify(report.findings)));
    expect(pooledReport.summary).toEqual(report.summary);

    // resumable: a run continuing from the first run's end reports the same findings, no more
    const resumed = await audit({ fromBlock: report.definitions[1]!.firstBlock });
    expect(resumed.findings.map((f) => f.txId)).toEqual(report.findings.map((f) => f.txId));

    // the nightly run continues from the checkpoint: only the new blocks, exit 1, HTML report
    const html = join(dataDir, 'audit.html');
    const run = await cli(['--data-dir', dataDir, '--package', packageFile, '--checkpoint', join(dataDir, 'audit.checkpoint'), '--out', html, '--idle-ms', '2000']);
    expect(run.code).toBe(1);
    expect(run.err).toContain('audit FAILED');
    const page = await readFile(html, 'utf8');
    expect(page.match(/<td>RECORD_MISMATCH<\/td>/g)?.length).toBe(altered.size);
    expect(JSON.parse(await readFile(join(dataDir, 'audit.checkpoint'), 'utf8'))).toEqual(report.checkpoint);
  });

  it('bad usage and bad input: exit 2 without --package, a clear error for an unreadable package or checkpoint', async () => {
    expect((await cli(['--data-dir', dataDir])).code).toBe(2);
    const noPkg = await cli(['--data-dir', dataDir, '--package', join(dataDir, 'nope.tar.gz')]);
    expect(noPkg).toMatchObject({ code: 1 });
    expect(noPkg.err).toContain('PACKAGE_UNREADABLE');
    const bad = join(dataDir, 'network.json');
    const badCheckpoint = await cli(['--data-dir', dataDir, '--package', packageFile, '--checkpoint', bad]);
    expect(badCheckpoint.err).toContain('BAD_CHECKPOINT');
    expect((await cli(['--data-dir', dataDir, '--package', packageFile, '--from-block', 'x'])).code).toBe(2);
    const badMode = await cli(['--data-dir', dataDir, '--package', packageFile, '--reexec', 'fast']);
    expect(badMode.code).toBe(2);
    expect(badMode.err).toContain('--reexec must be direct or shim');
    const badWorkers = await cli(['--data-dir', dataDir, '--package', packageFile, '--workers', '0']);
    expect(badWorkers.code).toBe(2);
    expect(badWorkers.err).toContain('--workers must be an integer');
    expect((await cli(['--package', packageFile])).err).toContain('exactly one source');
  });
});
