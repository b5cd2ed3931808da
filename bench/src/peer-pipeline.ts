/**
 * Peer micro-benchmarks, in process (no sockets, one thread): endorsement of SubmitReading
 * proposals through the real lr-chaincode package, then the committer's stages — validateBlock
 * on blocks of N endorser transactions with two endorsements each, and PeerLedger.commit of
 * those blocks (one fsync'd LevelDB batch per block).
 *
 *   npm run bench:peer -w bench [-- --meters 1000 --proposals 400 --txs 600 --block-sizes 10,100,500 --concurrency 8 --dispatch direct|protocol]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createReadingStream, type GeneratedReading } from '@speedledger/datasets';
import { decodeAndVerify, measureSpeed, parseMeterPublicKey, type MeterPublicKey } from '@speedledger/lr-chaincode/core';
import { validation } from '@speedledger/peer';
import { machineLine, measureRate } from './harness.js';
import { latencySummary } from './latency-summary.js';
import { buildProposal, endorsementFailure, nextBlock, startPeerBench, submitInBlock, transactionEnvelope, type ClientProposal } from './peer-fixture.js';

const { values } = parseArgs({
  options: {
    meters: { type: 'string', default: '1000' },
    proposals: { type: 'string', default: '400' },
    txs: { type: 'string', default: '600' },
    'block-sizes': { type: 'string', default: '10,100,500' },
    concurrency: { type: 'string', default: '8' },
    mix: { type: 'string', default: 'default' },
    seed: { type: 'string', default: '1' },
    // 07:30 in São Paulo on a weekday: rush hour.
    start: { type: 'string', default: '2026-03-02T10:30:00Z' },
    keep: { type: 'boolean', default: false },
    // As the peer runs its chaincode (default) or over the ChaincodeMessage protocol.
    dispatch: { type: 'string', default: 'direct' },
  },
  strict: true,
});
const meters = Number(values.meters);
const proposalCount = Number(values.proposals);
const txsPerSize = Number(values.txs);
const blockSizes = values['block-sizes'].split(',').map(Number);
const concurrency = Number(values.concurrency);
const mix = values.mix as 'default' | 'clean' | 'hard';

console.log(machineLine());
const dir = mkdtempSync(join(tmpdir(), 'bench-peer-'));
if (values.dispatch !== 'direct' && values.dispatch !== 'protocol') throw new Error(`--dispatch must be direct or protocol, got ${values.dispatch}`);
const bench = await startPeerBench(dir, undefined, values.dispatch);
const stream = createReadingStream({ meters, seed: Number(values.seed), speedup: Infinity, startTime: Date.parse(values.start), mix });
const readings = stream[Symbol.asyncIterator]();

/** CPU milliseconds (user + system) and wall milliseconds of `run`. */
async function timed<T>(run: () => Promise<T>): Promise<{ result: T; wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const result = await run();
  const used = process.cpuUsage(cpu);
  return { result, wallMs: performance.now() - t0, cpuMs: (used.user + used.system) / 1000 };
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  }));
  return out;
}

async function nextReading(): Promise<GeneratedReading> {
  const r = await readings.next();
  if (r.done) throw new Error('the reading stream ended');
  return r.value;
}

// Setup through the same path as the measurements: governance, then every meter, 100 per block.
const setup = await timed(async () => {
  const [init] = await submitInBlock(bench, bench.registrar, [['Governance:Init', JSON.stringify({ notifiedBodies: ['InmetroMSP', 'PTBMSP'], registrationQuorum: 2 })]]);
  if (init !== 0) throw new Error(`Governance:Init: code ${init}`);
  for (let i = 0; i < stream.fleet.meters.length; i += 100) {
    const group = stream.fleet.meters.slice(i, i + 100);
    const codes = await submitInBlock(bench, bench.registrar, group.map((m) => ['MeterRegistry:RegisterMeter', m.meterId, m.publicKeyHex, JSON.stringify(m.site)]));
    const bad = codes.findIndex((c) => c !== 0);
    if (bad >= 0) throw new Error(`RegisterMeter ${group[bad]!.meterId}: code ${codes[bad]}`);
  }
});
console.log(JSON.stringify({ bench: 'peer-setup', meters, packageId: bench.packageId, blocks: bench.ledger.height(), seconds: Number((setup.wallMs / 1000).toFixed(1)) }));

// 1. Endorsement: one peer (Inmetro) endorsing SubmitReading proposals over the committed state.
const proposals: ClientProposal[] = [];
for (let i = 0; i < proposalCount; i += 1) proposals.push(buildProposal(bench.operator, ['SpeedMeasurement:SubmitReading', (await nextReading()).bytes]));
await pool(proposals.slice(0, Math.min(50, proposals.length)), 1, (p) => bench.endorsers[0].processProposal(p.signed)); // JIT warm-up
for (const limit of [1, concurrency]) {
  const latencies: number[] = [];
  let refused = 0;
  const run = await timed(() => pool(proposals, limit, async (p) => {
    const t0 = performance.now();
    const response = await bench.endorsers[0].processProposal(p.signed);
    latencies.push(performance.now() - t0);
    if (endorsementFailure([response]) !== undefined) refused += 1;
  }));
  const s = latencySummary(latencies);
  console.log(JSON.stringify({
    bench: 'peer-endorse', concurrency: limit, proposals: proposals.length, notEndorsed: refused,
    proposalsPerSecond: Math.round(proposals.length / (run.wallMs / 1000)), cpuMsPerProposal: Number((run.cpuMs / proposals.length).toFixed(3)),
    latencyMs: { p50: s.p50, p90: s.p90, p99: s.p99, max: s.max },
  }));
}

// For scale: the LR core's share of an endorsement (what the chaincode computes per reading).
const sampleReadings = await Promise.all(Array.from({ length: 200 }, () => nextReading()));
const fleet = new Map(stream.fleet.meters.map((m) => [m.meterId, m]));
const lrCore = (i: number, key?: MeterPublicKey): void => {
  const r = sampleReadings[i % sampleReadings.length]!;
  const meter = fleet.get(r.truth.meterId)!;
  const decoded = decodeAndVerify(r.bytes, key ?? (parseMeterPublicKey(meter.publicKeyHex) as MeterPublicKey));
  if (decoded.ok) measureSpeed(decoded.reading, meter.site);
};
const keys = sampleReadings.map((r) => parseMeterPublicKey(fleet.get(r.truth.meterId)!.publicKeyHex) as MeterPublicKey);
const perUs = (rate: number): number => Number((1e6 / rate).toFixed(1));
console.log(JSON.stringify({
  bench: 'peer-lr-core',
  microsecondsPerReading: {
    parseMeterPublicKey: perUs(measureRate((i) => parseMeterPublicKey(fleet.get(sampleReadings[i % sampleReadings.length]!.truth.meterId)!.publicKeyHex), 1).perSecond),
    decodeVerifyMeasure: perUs(measureRate((i) => lrCore(i), 2).perSecond),
    decodeVerifyMeasureKeyCached: perUs(measureRate((i) => lrCore(i, keys[i % keys.length]), 2).perSecond),
  },
}));

// 2 + 3. Blocks of N readings (distinct meters: two readings of one meter in a block conflict
// on its sequence key, as on Fabric), endorsed by both peers, validated, committed.
let carried: GeneratedReading[] = [];
async function blockReadings(n: number): Promise<GeneratedReading[]> {
  const picked: GeneratedReading[] = [];
  const metersInBlock = new Set<string>();
  const later: GeneratedReading[] = [];
  const take = (r: GeneratedReading): void => {
    if (picked.length >= n || metersInBlock.has(r.truth.meterId)) later.push(r);
    else {
      metersInBlock.add(r.truth.meterId);
      picked.push(r);
    }
  };
  carried.forEach(take);
  while (picked.length < n) take(await nextReading());
  carried = later;
  return picked;
}

for (const size of blockSizes) {
  const totals = { txs: 0, valid: 0, blocks: 0, endorseWallMs: 0, endorseCpuMs: 0, assembleMs: 0, validateWallMs: 0, validateCpuMs: 0, commitWallMs: 0, commitCpuMs: 0 };
  const codes = new Map<number, number>();
  const validateMsPerBlock: number[] = [];
  const commitMsPerBlock: number[] = [];
  while (totals.txs < txsPerSize) {
    const batch = (await blockReadings(size)).map((r) => buildProposal(bench.operator, ['SpeedMeasurement:SubmitReading', r.bytes]));
    const endorsed = await timed(() => pool(batch, concurrency, async (p) => ({ p, responses: await Promise.all(bench.endorsers.map((e) => e.processProposal(p.signed))) })));
    const t0 = performance.now();
    const envelopes = endorsed.result.filter((e) => endorsementFailure(e.responses) === undefined).map((e) => transactionEnvelope(bench.operator, e.p, e.responses));
    const block = nextBlock(bench.ledger, envelopes);
    totals.assembleMs += performance.now() - t0;
    const validated = await timed(() => validation.validateBlock(block, bench.context));
    const committed = await timed(() => bench.ledger.commit(block, validated.result));
    for (const code of validated.result.transactionsFilter) codes.set(code, (codes.get(code) ?? 0) + 1);
    totals.txs += envelopes.length;
    totals.valid += validated.result.transactionsFilter.filter((c) => c === 0).length;
    totals.blocks += 1;
    totals.endorseWallMs += endorsed.wallMs;
    totals.endorseCpuMs += endorsed.cpuMs;
    totals.validateWallMs += validated.wallMs;
    totals.validateCpuMs += validated.cpuMs;
    totals.commitWallMs += committed.wallMs;
    totals.commitCpuMs += committed.cpuMs;
    validateMsPerBlock.push(validated.wallMs);
    commitMsPerBlock.push(committed.wallMs);
  }
  const perTx = (ms: number): number => Number((ms / totals.txs).toFixed(3));
  console.log(JSON.stringify({
    bench: 'peer-block', blockSize: size, blocks: totals.blocks, txs: totals.txs, valid: totals.valid, codes: Object.fromEntries(codes),
    endorseBothPeers: { txPerSecond: Math.round(totals.txs / (totals.endorseWallMs / 1000)), cpuMsPerTx: perTx(totals.endorseCpuMs) },
    assembleMsPerTx: perTx(totals.assembleMs),
    validateBlock: { txPerSecond: Math.round(totals.txs / (totals.validateWallMs / 1000)), cpuMsPerTx: perTx(totals.validateCpuMs), msPerBlock: latencySummary(validateMsPerBlock).p50 },
    commit: {
      txPerSecond: Math.round(totals.txs / (totals.commitWallMs / 1000)), blocksPerSecond: Number((totals.blocks / (totals.commitWallMs / 1000)).toFixed(1)),
      cpuMsPerTx: perTx(totals.commitCpuMs), msPerBlock: latencySummary(commitMsPerBlock).p50,
    },
  }));
}

await bench.close();
if (values.keep) console.log(`ledger kept in ${dir}`);
else rmSync(dir, { recursive: true, force: true });
// The readings stream and the chaincode containers hold no handles worth waiting for.
process.exit(0);
