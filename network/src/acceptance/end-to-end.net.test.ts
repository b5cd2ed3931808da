import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataset, type GeneratedReading } from '@speedledger/datasets';
import { connectFabricNetwork, connectGateway, LedgerError, MAX_BATCH, MAX_BATCH_BYTES, type ConnectOptions, type LedgerClient } from '@speedledger/ledger-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectionProfilePath, downNetwork, identityDir, killProcess, networkStatus, startProcess } from '../runtime/network-control.js';
import { readManifest } from '../runtime/manifest-store.js';
import { freeBasePort } from '../runtime/free-base-port.js';
import { upNetwork } from '../runtime/up-network.js';
import { findOrg } from '../plan/network-orgs.js';
import { portSpan } from '../plan/network-plan.js';
import { eventually, expectedOutcome, fleetShares, forge, missingPrerequisite, type FleetShare } from './test-support/acceptance-support.js';

/*
 * The acceptance test: the embedded network, driven by each Fabric client library
 * unmodified — only DIR/connection-<org>.json and an MSP directory from DIR — then crash
 * faults (kill -9 an orderer, kill -9 and restart a peer). Runs when the peer, the orderer and
 * the chaincode package are built; otherwise says what is missing and skips.
 */
const missing = missingPrerequisite();
// CI builds everything first (npm run setup): a missing part there is a failure, not a skip.
if (missing && process.env.CI) throw new Error(`end-to-end acceptance test cannot run: ${missing} is not built`);
if (missing) console.warn(`end-to-end acceptance test skipped: ${missing} is not built`);

const LIBRARIES: readonly [string, (options: ConnectOptions) => Promise<LedgerClient>][] = [
  ['@hyperledger/fabric-gateway', connectGateway],
  ['fabric-network 2.2', connectFabricNetwork],
];
const READINGS_PER_SHARE = 8;

let dataDir = '';
let failed = false;
let shares: FleetShare[] = [];
let unregistered: GeneratedReading;

function connectAs(connect: (options: ConnectOptions) => Promise<LedgerClient>, org: string, user: string): Promise<LedgerClient> {
  return connect({
    connectionProfile: connectionProfilePath(dataDir, org),
    mspId: findOrg(org)!.mspId,
    mspDir: identityDir(dataDir, org, user),
  });
}

async function rejection(promise: Promise<unknown>): Promise<LedgerError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a LedgerError, got ${JSON.stringify(outcome.value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
  expect(outcome.error).toBeInstanceOf(LedgerError);
  return outcome.error as LedgerError;
}

/** Submits one reading and checks its committed record against the local LR computation. */
async function submitAndCheck(client: LedgerClient, share: FleetShare, index: number): Promise<bigint> {
  const reading = share.readings[index]!;
  const meter = share.meters.find((m) => m.meterId === reading.truth.meterId)!;
  const submitted = await client.submitReading(reading.bytes);
  expect(submitted.transactionId).toMatch(/^[0-9a-f]{64}$/);
  expect(submitted.measurement).toMatchObject({ meterId: meter.meterId, seq: String(reading.truth.seq), txId: submitted.transactionId, ...expectedOutcome(reading.bytes, meter) });
  return submitted.blockNumber;
}

describe.skipIf(missing !== undefined)('end-to-end: embedded network, both client libraries, crash faults', { timeout: 240_000 }, () => {
  beforeAll(async () => {
    ({ shares, unregistered } = fleetShares(LIBRARIES.length, 2, 5, 20_260_302));
    for (const share of shares) {
      if (share.readings.length < READINGS_PER_SHARE) throw new Error(`fleet share has ${share.readings.length} readings, the test needs ${READINGS_PER_SHARE}`);
    }
    dataDir = await mkdtemp(join(tmpdir(), 'speedledger-e2e-'));
    try {
      const basePort = await freeBasePort(portSpan(4));
      await upNetwork({ dataDir, basePort, healthTimeoutMs: 90_000 });
    } catch (error) {
      failed = true;
      throw error;
    }
  }, 240_000);

  afterEach((context) => {
    if (context.task.result?.state === 'fail') failed = true;
  });

  afterAll(async () => {
    if (!dataDir) return;
    await downNetwork(dataDir, 5_000).catch((error: unknown) => console.error(`downNetwork failed: ${String(error)}`));
    if (failed) console.error(`end-to-end test failed: network data (logs/, network.json) kept in ${dataDir}`);
    else await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  LIBRARIES.forEach(([library, connect], slot) => {
    it(`${library}: a registrar registers meters, the city operator submits, sees commits, queries, is refused forged and replayed readings`, async () => {
      const share = shares[slot]!;
      const registrar = await connectAs(connect, 'inmetro', 'Registrar');
      const operator = await connectAs(connect, 'cityoperator', 'User1');
      try {
        for (const meter of share.meters) {
          const registered = await registrar.registerMeter(meter.meterId, meter.publicKeyHex, meter.site);
          expect(registered.result).toMatchObject({ meterId: meter.meterId, publicKeyHex: meter.publicKeyHex, status: 'ACTIVE', registeredTxId: registered.transactionId });
          expect(registered.blockNumber).toBeGreaterThan(0n);
        }
        expect(await operator.getMeter(share.meters[0]!.meterId)).toMatchObject({ meterId: share.meters[0]!.meterId, site: share.meters[0]!.site });

        const blocks: bigint[] = [];
        for (let i = 0; i < 3; i += 1) blocks.push(await submitAndCheck(operator, share, i));
        expect([...blocks].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(blocks);

        const first = share.readings[0]!;
        const stored = await operator.getMeasurement(first.truth.meterId, BigInt(first.truth.seq));
        expect(stored).toMatchObject({ meterId: first.truth.meterId, seq: String(first.truth.seq) });
        const meterOfFirst = share.meters.find((m) => m.meterId === first.truth.meterId)!;
        expect(stored.speedCentiKmh).toBe(expectedOutcome(first.bytes, meterOfFirst).speedCentiKmh);
        const listed = await operator.listMeasurements(first.truth.meterId);
        expect(listed.items.map((r) => r.seq)).toContain(String(first.truth.seq));

        const batch = await operator.submitReadings([share.readings[3]!.bytes, share.readings[4]!.bytes, share.readings[3]!.bytes]);
        expect(batch.results.map((r) => r.status)).toEqual(['recorded', 'recorded', 'refused']);
        expect(batch.results[2]).toMatchObject({ code: 'REPLAYED_SEQ' });

        const forged = await rejection(operator.submitReading(forge(share.readings[5]!.bytes)));
        expect(forged).toMatchObject({ code: 'CONTRACT_REJECTED', contractCode: 'BAD_SIGNATURE', meterId: share.readings[5]!.truth.meterId, seq: String(share.readings[5]!.truth.seq) });
        expect(forged.transactionId).toMatch(/^[0-9a-f]{64}$/);

        const replayed = await rejection(operator.submitReading(first.bytes));
        expect(replayed).toMatchObject({ code: 'CONTRACT_REJECTED', contractCode: 'REPLAYED_SEQ', meterId: first.truth.meterId });

        const unknown = await rejection(operator.submitReading(unregistered.bytes));
        expect(unknown).toMatchObject({ code: 'CONTRACT_REJECTED', contractCode: 'UNKNOWN_METER' });

        const notRegistrar = await rejection(operator.registerMeter(unregistered.truth.meterId, share.meters[0]!.publicKeyHex, share.meters[0]!.site));
        expect(notRegistrar).toMatchObject({ code: 'CONTRACT_REJECTED', contractCode: 'FORBIDDEN' });
      } finally {
        await registrar.close();
        await operator.close();
      }
    });
  });

  it(`a SubmitReadings of ${MAX_BATCH} of the largest readings (> 1 MiB of envelope) commits, every item recorded`, async () => {
    // The bench found this refused RESOURCE_EXHAUSTED by the peer and orderer gRPC limits while the
    // client allowed it: the largest of 400 generated passes make a batch near MAX_BATCH_BYTES.
    // Meters past the fleet shares' SP-000001..5, so no id is registered twice with another key.
    const dataset = createDataset({ meters: 8, readings: 1_600, seed: 20_261_204, mix: 'clean' });
    const meters = dataset.fleet.meters.slice(5);
    const ids = new Set(meters.map((m) => m.meterId));
    const sorted = [...dataset.readings()].filter((r) => ids.has(r.truth.meterId)).sort((a, b) => b.bytes.length - a.bytes.length);
    const total = (rs: readonly GeneratedReading[]): number => rs.reduce((n, r) => n + r.bytes.length, 0);
    let start = 0;
    while (total(sorted.slice(start, start + MAX_BATCH)) > MAX_BATCH_BYTES) start += 1;
    const largest = sorted.slice(start, start + MAX_BATCH);
    expect(largest).toHaveLength(MAX_BATCH);
    const bytes = total(largest);
    expect(bytes * 4 / 3).toBeGreaterThan(1024 * 1024 + 64 * 1024);
    expect(bytes).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    const registrar = await connectAs(connectGateway, 'inmetro', 'Registrar');
    const operator = await connectAs(connectGateway, 'cityoperator', 'User1');
    try {
      for (const meter of meters) await registrar.registerMeter(meter.meterId, meter.publicKeyHex, meter.site);
      const batch = await operator.submitReadings(largest.map((r) => r.bytes));
      expect(batch.results).toHaveLength(MAX_BATCH);
      expect(batch.results.filter((r) => r.status === 'recorded')).toHaveLength(MAX_BATCH);
      const first = largest[0]!;
      expect(await operator.getMeasurement(first.truth.meterId, BigInt(first.truth.seq))).toMatchObject({ txId: batch.transactionId });
    } finally {
      await registrar.close();
      await operator.close();
    }
  });

  it('kill -9 one orderer replica: submissions through both libraries keep committing', async () => {
    const manifest = await readManifest(dataDir);
    // A backup replica (LaSIGE's). The primary's crash is the separate, opt-in test below.
    const victim = manifest.processes.find((p) => p.kind === 'orderer' && p.org === 'lasige')!;
    expect(await killProcess(dataDir, victim.name, 'SIGKILL')).toBe(true);
    for (const [[, connect], slot] of LIBRARIES.map((entry, i) => [entry, i] as const)) {
      const operator = await connectAs(connect, 'cityoperator', 'User1');
      try {
        await submitAndCheck(operator, shares[slot]!, 5);
        await submitAndCheck(operator, shares[slot]!, 6);
      } finally {
        await operator.close();
      }
    }
    await startProcess(dataDir, victim.name);
  });

  it('kill -9 a peer and restart it: it catches up to the same block hash as the others', async () => {
    const manifest = await readManifest(dataDir);
    const victim = manifest.processes.find((p) => p.kind === 'peer' && p.org === 'lasige')!;
    const before = (await networkStatus(dataDir)).members.find((m) => m.name === victim.name)!;
    expect(before.height).toBeGreaterThan(1);
    expect(await killProcess(dataDir, victim.name, 'SIGKILL')).toBe(true);
    const operator = await connectAs(connectGateway, 'cityoperator', 'User1');
    try {
      // The policy needs two of Inmetro, PTB, LaSIGE: with LaSIGE's peer down the other two still endorse.
      await submitAndCheck(operator, shares[0]!, 7);
    } finally {
      await operator.close();
    }
    await startProcess(dataDir, victim.name);
    const converged = await eventually(async () => {
      const peers = (await networkStatus(dataDir)).members.filter((m) => m.kind === 'peer');
      const heights = new Set(peers.map((p) => p.height));
      const hashes = new Set(peers.map((p) => p.currentBlockHash));
      return peers.every((p) => p.healthy) && heights.size === 1 && hashes.size === 1 ? peers : undefined;
    }, 60_000, 'all peers at one height and block hash');
    const restarted = converged.find((p) => p.name === victim.name)!;
    // It missed at least the block committed while it was down, and now holds the same chain head.
    expect(restarted.height).toBeGreaterThan(before.height!);
    expect(restarted.currentBlockHash).toMatch(/^[0-9a-f]{64}$/);
    expect(converged.map((p) => p.currentBlockHash)).toEqual(converged.map(() => restarted.currentBlockHash));
  });

  /*
   * The view-0 primary dies: the Gateway hands each transaction to one orderer, so only that
   * backup holds it at first; orderer-bft's request relay (every replica, not only the leader)
   * makes f+1 complain and the view change complete. fabric-network 2.2 also sends to one
   * orderer; it is covered by the same relay but tested here with fabric-gateway only.
   */
  it('kill -9 the primary orderer replica: submissions through fabric-gateway keep committing', async () => {
    const manifest = await readManifest(dataDir);
    const victim = manifest.processes.find((p) => p.kind === 'orderer' && p.org === 'inmetro')!;
    expect(await killProcess(dataDir, victim.name, 'SIGKILL')).toBe(true);
    const operator = await connectAs(connectGateway, 'cityoperator', 'User1');
    try {
      await submitAndCheck(operator, shares[1]!, 7);
    } finally {
      await operator.close();
    }
  });
});
