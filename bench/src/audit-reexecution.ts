import './peer-quiet-logs.js';
import { parseArgs } from 'node:util';
import { AuditState, loadApprovedPackage, type EndorserTransaction } from '@speedledger/analytics';
import { createDataset } from '@speedledger/datasets';
import { decodeAndVerify, measureSpeed, parseMeterPublicKey } from '@speedledger/lr-chaincode/core';
import { defaultPackageFile } from '@speedledger/network';
import { generateOrganization } from '@speedledger/orderer-bft';
import { endorser, msp } from '@speedledger/peer';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { machineLine } from './harness.js';

async function startProfile(): Promise<() => Promise<unknown>> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object): Promise<unknown> => new Promise((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return async () => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    session.disconnect();
    return profile;
  };
}

const loadLine = (): string => `load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;

/*
 * Audit re-execution throughput: the approved lr-chaincode package (loaded from its package
 * file, as the audit loads it) re-executing SubmitReading and SubmitReadings transactions over a
 * rebuilt state in which the meters are registered, in each re-execution mode: `direct`
 * (fabric-shim's stub and contract dispatch in process, the audit's default) and `shim`
 * (fabric-shim's ChaincodeMessage protocol, as a peer runs it). Readings are signed DLR1 from the
 * datasets default mix. One process = one core; the figure per CPU-second is the per-core one.
 * Every transaction's read/write set is compared across modes (a mismatch fails the run).
 *   npm run bench:audit -w bench [-- --readings 3000 --batch 1,20 --modes direct,shim --concurrency 16]
 * --cpu-prof DIR writes a V8 CPU profile of each measured run (not of the set-up) into DIR.
 * --package FILE re-executes another package file (default lr-chaincode's build/lr-chaincode.tar.gz),
 * e.g. one built from an earlier commit, for before/after pairs in the same conditions.
 */
const { values } = parseArgs({
  options: {
    readings: { type: 'string', default: '3000' }, batch: { type: 'string', default: '1,20' }, concurrency: { type: 'string', default: '16' }, meters: { type: 'string', default: '20' },
    modes: { type: 'string', default: 'direct,shim' }, 'cpu-prof': { type: 'string' }, package: { type: 'string' },
  },
});
const total = Number(values.readings);
const concurrency = Number(values.concurrency);

console.log(machineLine());
const org = await generateOrganization({ mspId: 'CityOperatorMSP', domain: 'cityoperator.example.com', now: new Date(Date.now() - 86_400_000) });
const enrolled = await org.enrol('user1.cityoperator.example.com', { ou: 'client' });
const client = msp.signingIdentityFromPem('CityOperatorMSP', enrolled.certPem, enrolled.privateKeyPem);
const dataset = createDataset({ meters: Number(values.meters), readings: total, seed: 3, mix: 'default' });
const readings = [...dataset.readings()];
const state = new AuditState();
state.apply({
  txId: 'registry', timestamp: new Date(0),
  writes: [{
    namespace: 'lr-chaincode', metadataWrites: [],
    writes: dataset.fleet.meters.map((m) => ({
      key: `\u0000meter\u0000${m.meterId}\u0000`,
      value: Buffer.from(JSON.stringify({ meterId: m.meterId, publicKeyHex: m.publicKeyHex, site: m.site, status: 'ACTIVE', registeredTxId: 'registry' })),
    })),
  }],
}, 1, 0);
const modes = values.modes!.split(',').map((m) => {
  if (m !== 'direct' && m !== 'shim') throw new Error(`--modes: ${m} is not direct or shim`);
  return m;
});
const packageFile = values.package ?? defaultPackageFile();
const packages = await Promise.all(modes.map((reexec) => loadApprovedPackage(packageFile, { reexec })));
console.log(`package ${packages[0]!.label} ${packages[0]!.packageSha256}; ${readings.length} readings of ${dataset.fleet.meters.length} meters, concurrency ${concurrency}`);

function transaction(args: (string | Uint8Array)[]): EndorserTransaction {
  const built = endorser.buildSignedProposal({ signer: client, channelId: 'speedledger', chaincode: 'lr-chaincode', args, timestamp: new Date('2026-03-01T08:00:00Z') });
  return {
    txId: built.txId, channelId: 'speedledger', timestamp: new Date('2026-03-01T08:00:00Z'), creatorMspId: 'CityOperatorMSP', chaincodeName: 'lr-chaincode',
    args: args.map((a) => (typeof a === 'string' ? Buffer.from(a) : a)), signedProposal: built.signed.serializeBinary(), results: new Uint8Array(), endorserMspIds: [],
  };
}

// The floor: what the LR core alone costs on the same readings (decode, signature check,
// measureSpeed; this repository's core, for reference only — the audit never runs it).
{
  const keys = new Map(dataset.fleet.meters.map((m) => [m.meterId, parseMeterPublicKey(m.publicKeyHex)]));
  const sites = new Map(dataset.fleet.meters.map((m) => [m.meterId, m.site]));
  const floor = (): void => {
    for (const r of readings) {
      const key = keys.get(r.truth.meterId)!;
      if (!('keyObject' in key)) throw new Error(`meter ${r.truth.meterId}: bad key`);
      const d = decodeAndVerify(r.bytes, key);
      if (d.ok) measureSpeed(d.reading, sites.get(r.truth.meterId)!);
    }
  };
  floor(); // warm-up
  const start = performance.now();
  const cpu = process.cpuUsage();
  floor();
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  console.log(`floor (decodeAndVerify + measureSpeed only): ${readings.length} readings, ${seconds.toFixed(2)} s: ${(readings.length / seconds).toFixed(0)} readings/s; CPU ${cpuSeconds.toFixed(2)} s = ${(readings.length / cpuSeconds).toFixed(0)} readings per CPU-second; ${loadLine()}`);
}

for (const batch of values.batch!.split(',').map(Number)) {
  const txs: EndorserTransaction[] = [];
  for (let i = 0; i < readings.length; i += batch) {
    const group = readings.slice(i, i + batch);
    txs.push(batch === 1
      ? transaction(['SpeedMeasurement:SubmitReading', group[0]!.bytes])
      : transaction(['SpeedMeasurement:SubmitReadings', JSON.stringify(group.map((r) => Buffer.from(r.bytes).toString('base64')))]));
  }
  const resultsOf: Uint8Array[][] = [];
  for (const pkg of packages) {
    // warm-up (JIT, dispatch), not counted
    for (const tx of txs.slice(0, 20)) await pkg.execute({ ...tx, txId: `${tx.txId}w` }, state);
    const results: Uint8Array[] = new Array<Uint8Array>(txs.length);
    let next = 0;
    let failed = 0;
    const profiler = values['cpu-prof'] === undefined ? undefined : await startProfile();
    const start = performance.now();
    const cpu = process.cpuUsage();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < txs.length) {
        const i = next++;
        const outcome = await pkg.execute(txs[i]!, state);
        if (outcome.ok) results[i] = outcome.results;
        else failed += 1;
      }
    }));
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    resultsOf.push(results);
    if (profiler) writeFileSync(join(values['cpu-prof']!, `audit-${pkg.mode}-batch${batch}.cpuprofile`), JSON.stringify(await profiler()));
    console.log(`${pkg.mode}, batch ${batch}: ${readings.length} readings in ${txs.length} transactions, ${seconds.toFixed(2)} s: ${(readings.length / seconds).toFixed(0)} readings/s, ${(txs.length / seconds).toFixed(0)} tx/s (${failed} refused); CPU ${cpuSeconds.toFixed(2)} s = ${(readings.length / cpuSeconds).toFixed(0)} readings per CPU-second; ${loadLine()}`);
  }
  for (let m = 1; m < resultsOf.length; m++) {
    const differing = txs.filter((_, i) => !Buffer.from(resultsOf[0]![i] ?? []).equals(Buffer.from(resultsOf[m]![i] ?? []))).length;
    if (differing > 0) {
      console.error(`batch ${batch}: ${differing} transactions give different read/write sets in ${packages[0]!.mode} and ${packages[m]!.mode} mode`);
      process.exitCode = 1;
    } else console.log(`batch ${batch}: ${packages[0]!.mode} and ${packages[m]!.mode} give byte-identical read/write sets for all ${txs.length} transactions`);
  }
}
for (const pkg of packages) pkg.close();
