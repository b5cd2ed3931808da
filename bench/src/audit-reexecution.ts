import './peer-quiet-logs.js';
import { parseArgs } from 'node:util';
import { AuditState, loadApprovedPackage, type EndorserTransaction } from '@speedledger/analytics';
import { createDataset } from '@speedledger/datasets';
import { defaultPackageFile } from '@speedledger/network';
import { generateOrganization } from '@speedledger/orderer-bft';
import { endorser, msp } from '@speedledger/peer';
import { machineLine } from './harness.js';

/*
 * Audit re-execution throughput: the approved lr-chaincode package (loaded from its package
 * file, run through fabric-shim's dispatch exactly as the audit does) re-executing SubmitReading
 * and SubmitReadings transactions over a rebuilt state in which the meters are registered.
 * Readings are signed DLR1 from the datasets default mix. One process = one core.
 *   npm run bench:audit -w bench [-- --readings 3000 --batch 20 --concurrency 16]
 */
const { values } = parseArgs({ options: { readings: { type: 'string', default: '3000' }, batch: { type: 'string', default: '1,20' }, concurrency: { type: 'string', default: '16' }, meters: { type: 'string', default: '20' } } });
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
const pkg = await loadApprovedPackage(defaultPackageFile());
console.log(`package ${pkg.label} ${pkg.packageSha256}; ${readings.length} readings of ${dataset.fleet.meters.length} meters, concurrency ${concurrency}`);

function transaction(args: (string | Uint8Array)[]): EndorserTransaction {
  const built = endorser.buildSignedProposal({ signer: client, channelId: 'speedledger', chaincode: 'lr-chaincode', args, timestamp: new Date('2026-03-01T08:00:00Z') });
  return {
    txId: built.txId, channelId: 'speedledger', timestamp: new Date('2026-03-01T08:00:00Z'), creatorMspId: 'CityOperatorMSP', chaincodeName: 'lr-chaincode',
    args: args.map((a) => (typeof a === 'string' ? Buffer.from(a) : a)), signedProposal: built.signed.serializeBinary(), results: new Uint8Array(), endorserMspIds: [],
  };
}

for (const batch of values.batch!.split(',').map(Number)) {
  const txs: EndorserTransaction[] = [];
  for (let i = 0; i < readings.length; i += batch) {
    const group = readings.slice(i, i + batch);
    txs.push(batch === 1
      ? transaction(['SpeedMeasurement:SubmitReading', group[0]!.bytes])
      : transaction(['SpeedMeasurement:SubmitReadings', JSON.stringify(group.map((r) => Buffer.from(r.bytes).toString('base64')))]));
  }
  // warm-up (JIT, shim dispatch), not counted
  for (const tx of txs.slice(0, 20)) await pkg.execute({ ...tx, txId: `${tx.txId}w` }, state);
  let next = 0;
  let failed = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < txs.length) {
      const outcome = await pkg.execute(txs[next++]!, state);
      if (!outcome.ok) failed += 1;
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  console.log(`batch ${batch}: ${readings.length} readings in ${txs.length} transactions, ${seconds.toFixed(2)} s: ${(readings.length / seconds).toFixed(0)} readings/s, ${(txs.length / seconds).toFixed(0)} tx/s (${failed} refused); CPU ${cpuSeconds.toFixed(2)} s = ${(readings.length / cpuSeconds).toFixed(0)} readings per CPU-second`);
}
pkg.close();
