import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Transaction } from '@hyperledger/fabric-gateway';
import * as protos from '@hyperledger/fabric-protos';
import type { GeneratedReading } from '@speedledger/datasets';
import { connectGateway, LedgerError, type LedgerClient } from '@speedledger/ledger-client';
import { decodeDlr1, LR_ALGORITHM_V1_1_0, LR_ALGORITHM_V1_2_0, measureSpeed, type LrAlgorithmVersion } from '@speedledger/lr-chaincode/core';
import type { MeasurementRecord } from '@speedledger/lr-chaincode/contract';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openGatewaySession, type GatewaySession } from '../adapters/gateway-session.js';
import { chaincodeApproveCommand, chaincodeCommitCommand } from '../cli/chaincode-commands.js';
import { checkChaincodePackage } from '../runtime/package-check.js';
import { connectionProfilePath, downNetwork, identityDir } from '../runtime/network-control.js';
import { readManifest } from '../runtime/manifest-store.js';
import { freeBasePort } from '../runtime/free-base-port.js';
import { upNetwork } from '../runtime/up-network.js';
import { findOrg } from '../plan/network-orgs.js';
import { portSpan } from '../plan/network-plan.js';
import { fleetShares, missingPrerequisite, type FleetShare } from './test-support/acceptance-support.js';

/*
 * Issue 12, item 3: a notified body's upgrade of the LR chaincode on a live network. Up with a
 * package whose new records use dlr1-speed/1.1.0; readings flow from the background while the
 * organisations approve and Inmetro commits the 1.2.0 package (sequence 2) with the CLI; one
 * reading is endorsed before the commit and submitted after it. Then: every record before the
 * commit block says 1.1.0, every one after says 1.2.0, none is lost, the stale one was
 * invalidated MVCC_READ_CONFLICT and its resubmission commits, and the auditor, given both
 * packages, re-executes the whole ledger without a finding.
 */
const missing = missingPrerequisite();
if (missing && process.env.CI) throw new Error(`live-upgrade acceptance test cannot run: ${missing} is not built`);
if (missing) console.warn(`live-upgrade acceptance test skipped: ${missing} is not built`);

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const packageScript = join(repo, 'lr-chaincode', 'scripts', 'package.mjs');
const cliBin = join(repo, 'cli', 'bin', 'speedledger.js');
const MVCC_READ_CONFLICT = protos.peer.TxValidationCode.MVCC_READ_CONFLICT;
/** Readings the background must commit after the upgrade before it stops. */
const AFTER_UPGRADE = 6;

let dataDir = '';
let workDir = '';
let failed = false;
let share: FleetShare;
let packages: { old: string; next: string };
const clients: LedgerClient[] = [];
const sessions: GatewaySession[] = [];

/** One reading's journey: each attempt's outcome until it committed. */
interface Journey {
  readonly reading: GeneratedReading;
  readonly attempts: string[];
}

function connectAs(org: string, user: string): Promise<LedgerClient> {
  return connectGateway({ connectionProfile: connectionProfilePath(dataDir, org), mspId: findOrg(org)!.mspId, mspDir: identityDir(dataDir, org, user) }).then((c) => {
    clients.push(c);
    return c;
  });
}

/**
 * Submits a reading as a client would: a transaction invalidated MVCC_READ_CONFLICT (endorsed
 * under the old definition, committed after the new one) or refused while the peers settle
 * (endorsements of peers one block apart, a container starting) is resubmitted; REPLAYED_SEQ
 * after such an attempt means an earlier one committed after all.
 */
async function submitLikeAClient(operator: LedgerClient, journey: Journey): Promise<void> {
  for (let attempt = 1; attempt <= 20; attempt += 1) {
    try {
      await operator.submitReading(journey.reading.bytes);
      journey.attempts.push('committed');
      return;
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error;
      if (error.code === 'CONTRACT_REJECTED' && error.contractCode === 'REPLAYED_SEQ' && attempt > 1) {
        journey.attempts.push('committed-earlier');
        return;
      }
      const outcome = error.code === 'COMMIT_FAILED' ? `COMMIT_FAILED:${error.validationCode ?? '?'}` : error.code;
      journey.attempts.push(outcome);
      if (!['COMMIT_FAILED', 'ENDORSE_FAILED', 'SUBMIT_FAILED', 'UNAVAILABLE', 'TIMEOUT'].includes(error.code)) throw error;
      if (error.code === 'COMMIT_FAILED' && error.validationCode !== 'MVCC_READ_CONFLICT') throw error;
      await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
    }
  }
  throw new Error(`reading ${journey.reading.truth.meterId}/${journey.reading.truth.seq} did not commit: ${journey.attempts.join(', ')}`);
}

/** Runs `speedledger chaincode approve|commit` in process; the block it reports committing in. */
async function lifecycleCli(command: typeof chaincodeApproveCommand, args: string[]): Promise<number> {
  let out = '';
  let err = '';
  const code = await command.run(['--data-dir', dataDir, ...args], { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } });
  expect(code, `${command.path.join(' ')} ${args.join(' ')}: ${out}${err}`).toBe(0);
  const block = /committed in block (\d+); every peer has it/.exec(err);
  expect(block, err).not.toBeNull();
  return Number(block![1]);
}

function algorithmOutcome(reading: GeneratedReading, version: LrAlgorithmVersion): Pick<MeasurementRecord, 'verdict' | 'speedCentiKmh' | 'reason'> {
  const decoded = decodeDlr1(reading.bytes);
  if (!decoded.ok) throw new Error(`generated reading does not decode: ${decoded.detail}`);
  const meter = share.meters.find((m) => m.meterId === reading.truth.meterId)!;
  const { loopA, loopB, sampleRateHz } = decoded.reading;
  const result = measureSpeed({ loopA, loopB, sampleRateHz }, meter.site, version);
  return result.ok ? { verdict: 'ACCEPTED', speedCentiKmh: result.speedCentiKmh, reason: null } : { verdict: 'INVALIDATED', speedCentiKmh: null, reason: result.reason };
}

describe.skipIf(missing !== undefined)('live upgrade of lr-chaincode 1.1.0 → 1.2.0 while readings flow', { timeout: 420_000 }, () => {
  beforeAll(async () => {
    share = fleetShares(1, 2, 30, 20_260_312).shares[0]!;
    workDir = await mkdtemp(join(tmpdir(), 'speedledger-upgrade-pkgs-'));
    packages = { old: join(workDir, 'lr-chaincode-1.1.0.tar.gz'), next: join(workDir, 'lr-chaincode-1.2.0.tar.gz') };
    // Two approved artefacts from the same sources: only the algorithm new records use differs.
    execFileSync(process.execPath, [packageScript, '--default-algorithm', LR_ALGORITHM_V1_1_0, '--out', packages.old], { stdio: 'pipe' });
    execFileSync(process.execPath, [packageScript, '--default-algorithm', LR_ALGORITHM_V1_2_0, '--out', packages.next], { stdio: 'pipe' });
    dataDir = await mkdtemp(join(tmpdir(), 'speedledger-upgrade-'));
    try {
      const basePort = await freeBasePort(portSpan(4));
      // Unsupervised: on a loaded machine the supervisor restarts peers it sees stall.
      await upNetwork({ dataDir, basePort, packageFile: packages.old, supervise: false, healthTimeoutMs: 90_000 });
    } catch (error) {
      failed = true;
      throw error;
    }
  }, 300_000);

  afterEach((context) => {
    if (context.task.result?.state === 'fail') failed = true;
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    for (const s of sessions) s.close();
    if (dataDir) await downNetwork(dataDir, 5_000).catch((error: unknown) => console.error(`downNetwork failed: ${String(error)}`));
    if (failed) console.error(`live-upgrade test failed: network data (logs/, network.json) kept in ${dataDir}, packages in ${workDir}`);
    else await Promise.all([dataDir, workDir].filter((d) => d !== '').map((d) => rm(d, { recursive: true, force: true })));
  }, 60_000);

  it('approve and commit 1.2.0 under the lifecycle policy while readings flow: 1.1.0 before, 1.2.0 after, the stale endorsement invalidated and resubmitted, audit clean', async () => {
    const registrar = await connectAs('inmetro', 'Registrar');
    const operator = await connectAs('cityoperator', 'User1');
    for (const meter of share.meters) await registrar.registerMeter(meter.meterId, meter.publicKeyHex, meter.site);
    const manifest = await readManifest(dataDir);
    const session = await openGatewaySession(manifest, 'cityoperator', 'User1');
    sessions.push(session);

    const [stale, ...queue] = share.readings;
    const journeys: Journey[] = [];
    // Shared with the background loops: set once the new definition is on every peer.
    const flow: { upgradedAt?: number; committedAfterUpgrade: number } = { committedAfterUpgrade: 0 };
    const background = async (): Promise<void> => {
      for (;;) {
        if (flow.upgradedAt !== undefined && flow.committedAfterUpgrade >= AFTER_UPGRADE) return;
        const reading = queue.shift();
        if (reading === undefined) return;
        const journey: Journey = { reading, attempts: [] };
        journeys.push(journey);
        const startedAfter = flow.upgradedAt !== undefined;
        await submitLikeAClient(operator, journey);
        if (startedAfter) flow.committedAfterUpgrade += 1;
      }
    };
    // Two clients' worth of concurrent submissions, so some land around the commit block.
    const flowing = Promise.all([background(), background()]);
    const until = async (done: () => boolean, what: string): Promise<void> => {
      for (let i = 0; i < 600 && !done(); i += 1) await new Promise((resolve) => setTimeout(resolve, 200));
      if (!done()) throw new Error(`${what} not reached`);
    };
    await until(() => journeys.filter((j) => j.attempts.at(-1)?.startsWith('committed') === true).length >= 4, 'four readings committed under 1.1.0');

    // The notified body's upgrade: new package, its fingerprint, approvals, commit.
    const next = await checkChaincodePackage(packages.next);
    const old = await checkChaincodePackage(packages.old);
    expect(next.label).toBe('lr-chaincode_1.2.0');
    expect(next.sha256).not.toBe(old.sha256);
    const definition = ['--version', '1.2.0', '--sequence', '2'];
    // Every organisation installs and approves (the city operator's peer serves its queries).
    for (const org of ['inmetro', 'ptb', 'lasige', 'cityoperator']) await lifecycleCli(chaincodeApproveCommand, ['--org', org, '--package', packages.next, ...definition]);

    // Endorsed under sequence 1, held back until sequence 2 is committed.
    let endorsed: Transaction | undefined;
    for (let attempt = 1; endorsed === undefined; attempt += 1) {
      try {
        endorsed = await session.network.getContract('lr-chaincode').newProposal('SpeedMeasurement:SubmitReading', { arguments: [stale!.bytes] }).endorse();
      } catch (error) {
        if (attempt >= 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    const endorsedRecord = JSON.parse(Buffer.from(endorsed.getResult()).toString('utf8')) as MeasurementRecord;
    expect(endorsedRecord.lr.algorithmVersion).toBe(LR_ALGORITHM_V1_1_0);

    const commitBlock = await lifecycleCli(chaincodeCommitCommand, ['--org', 'inmetro', '--sha256', next.sha256, ...definition]);
    flow.upgradedAt = commitBlock;

    const staleStatus = await (await endorsed.submit()).getStatus();
    expect(staleStatus.code).toBe(MVCC_READ_CONFLICT);
    expect(staleStatus.blockNumber).toBeGreaterThan(BigInt(commitBlock));
    const resubmitted: Journey = { reading: stale!, attempts: ['COMMIT_FAILED:MVCC_READ_CONFLICT'] };
    await submitLikeAClient(operator, resubmitted);
    journeys.push(resubmitted);
    await flowing;

    // Every reading taken is on the ledger, under the algorithm of the definition its block had.
    const versions = { before: new Set<string>(), after: new Set<string>(), fingerprints: new Map<string, Set<string>>() };
    let before = 0;
    let after = 0;
    for (const { reading } of journeys) {
      const record = await operator.getMeasurement(reading.truth.meterId, BigInt(reading.truth.seq));
      const { blockNumber, successful } = await session.commitStatus(record.txId);
      expect(successful).toBe(true);
      // A reading ordered in the commit block before the definition still ran under sequence 1.
      const underOld = blockNumber < commitBlock || (blockNumber === commitBlock && record.lr.algorithmVersion === LR_ALGORITHM_V1_1_0);
      const version = underOld ? LR_ALGORITHM_V1_1_0 : LR_ALGORITHM_V1_2_0;
      expect(record.lr.algorithmVersion, `${reading.truth.meterId}/${reading.truth.seq} in block ${blockNumber} (definition committed in ${commitBlock})`).toBe(version);
      expect(record).toMatchObject(algorithmOutcome(reading, version));
      if (underOld) before += 1;
      else after += 1;
      versions.fingerprints.set(version, (versions.fingerprints.get(version) ?? new Set()).add(record.lr.fingerprint));
    }
    expect(before).toBeGreaterThanOrEqual(4);
    expect(after).toBeGreaterThanOrEqual(AFTER_UPGRADE + 1);
    // Each algorithm came from its own package, whose bundle fingerprint the records carry.
    expect([...versions.fingerprints.get(LR_ALGORITHM_V1_1_0)!]).toHaveLength(1);
    expect([...versions.fingerprints.get(LR_ALGORITHM_V1_2_0)!]).toHaveLength(1);
    expect(versions.fingerprints.get(LR_ALGORITHM_V1_1_0)).not.toEqual(versions.fingerprints.get(LR_ALGORITHM_V1_2_0));
    const staleRecord = await operator.getMeasurement(stale!.truth.meterId, BigInt(stale!.truth.seq));
    expect(staleRecord.lr.algorithmVersion).toBe(LR_ALGORITHM_V1_2_0);
    expect(resubmitted.attempts.at(-1)).toMatch(/^committed/);
    const invalidated = journeys.filter((j) => j.attempts.includes('COMMIT_FAILED:MVCC_READ_CONFLICT'));
    console.info(`live upgrade: definition committed in block ${commitBlock}; ${before} readings under 1.1.0, ${after} under 1.2.0; ${invalidated.length} invalidated MVCC_READ_CONFLICT and resubmitted; attempts ${JSON.stringify(journeys.filter((j) => j.attempts.length > 1).map((j) => j.attempts))}`);

    // The auditor, with both approved packages, re-executes every block.
    if (!existsSync(cliBin)) throw new Error(`${cliBin} is missing: build the cli package`);
    const reportFile = join(workDir, 'audit.json');
    const audit = await promisify(execFile)(process.execPath, [cliBin, 'audit', '--package', packages.old, '--package', packages.next, '--data-dir', dataDir, '--out', reportFile], { timeout: 180_000 })
      .then(() => 0, (error: { code?: number; stderr?: string }) => { console.error(error.stderr); return error.code ?? 1; });
    const report = JSON.parse(await readFile(reportFile, 'utf8')) as { passed: boolean; findings: unknown[]; definitions: { sequence: number; packageSha256: string; packageSupplied: boolean; reexecuted: number }[] };
    expect(report.findings).toEqual([]);
    expect(report.passed).toBe(true);
    expect(audit).toBe(0);
    expect(report.definitions.map((d) => [d.sequence, d.packageSha256, d.packageSupplied])).toEqual([[1, old.sha256, true], [2, next.sha256, true]]);
    expect(report.definitions.every((d) => d.reexecuted > 0)).toBe(true);
  });
});
