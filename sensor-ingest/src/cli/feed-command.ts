import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createReadingStream, realClock, type Fleet } from '@speedledger/datasets';
import { Prng } from '@speedledger/orderer-bft/sim';
import { IngestHttpClient } from '../adapters/ingest-http-client.js';
import { FEED_PROFILES, firstSeqAt, parseDuration, parseSpeed, saoPauloTime, type FeedPlan } from '../feed/feed-plan.js';
import { runFeed, type FeedProgress } from '../runtime/fleet-feeder.js';
import { apiKeyOf, parseOrUsage, positiveInt, reportFailure, usageProblem, type IngestCliCommand, type IngestCliIo } from './cli-support.js';

const USAGE = `speedledger feed --fleet DIR [--meters 1000] [--seed 1] [--profile saopaulo]
    [--day 2026-03-02] [--start 07:00] [--speed 1x] [--duration 5m]
    [--api http://127.0.0.1:8787] [--key KEY] [--first-seq N] [--max-sockets 128]
    [--settle-timeout 10m] [--drain-timeout 60m] [--json] [--init]

Streams a simulated fleet's signed readings (datasets: São Paulo sites, keys and traffic day)
to the ingest API, starting at local time --start on --day with simulated time running --speed
times the wall clock, for --duration of wall time. Each meter keeps a reading until it gets a
receipt, retrying on 429 / 503 (after Retry-After) and network errors, as a real meter would.
DIR/fleet.json is the fleet (written on the first run: register it with
"speedledger meter register --fleet DIR/fleet.json"; a later run with other --meters/--seed is
refused). --init only writes it. Progress: a status line on a TTY, JSON lines otherwise
(--json forces them). Then every generated reading is reconciled with its status (operator key:
--key or $SPEEDLEDGER_INGEST_KEY) and a JSON summary printed; exit 1 unless nothing was lost.
Seqs start at --first-seq (default: µs since the epoch, so a rerun never reuses one).`;

async function fleetOf(dir: string, fleet: Fleet, io: IngestCliIo): Promise<'written' | 'same' | 'different'> {
  const path = join(dir, 'fleet.json');
  let existing: string;
  try {
    existing = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dir, { recursive: true });
    await writeFile(path, `${JSON.stringify(fleet, null, 2)}\n`);
    io.stderr.write(`wrote ${path} (${fleet.meters.length} meters): register it with "speedledger meter register --fleet ${path}"\n`);
    return 'written';
  }
  return JSON.stringify(JSON.parse(existing)) === JSON.stringify(fleet) ? 'same' : 'different';
}

function progressLine(p: FeedProgress): string {
  const r = (n: number): string => n.toFixed(0).padStart(5);
  return `${p.elapsedS.toFixed(0).padStart(5)} s ${p.phase.padEnd(8)} offered/s ${r(p.offeredPerS)} accepted/s ${r(p.acceptedPerS)} committed/s ${r(p.committedPerS)} backlog ${String(p.backlog).padStart(7)} held ${String(p.held).padStart(6)} refusals ${p.edgeRefused}+${p.chaincodeRefused} retries ${p.retries}`;
}

/** `speedledger feed`. */
export const feedCommand: IngestCliCommand = {
  path: ['feed'],
  summary: 'Stream a simulated meter fleet to the ingest API and reconcile every reading',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, {
      fleet: { type: 'string' }, meters: { type: 'string', default: '1000' }, seed: { type: 'string', default: '1' },
      profile: { type: 'string', default: 'saopaulo' }, day: { type: 'string', default: '2026-03-02' }, start: { type: 'string', default: '07:00' },
      speed: { type: 'string', default: '1x' }, duration: { type: 'string', default: '5m' }, api: { type: 'string', default: 'http://127.0.0.1:8787' },
      key: { type: 'string' }, 'first-seq': { type: 'string' }, 'max-sockets': { type: 'string', default: '128' },
      'settle-timeout': { type: 'string', default: '10m' }, 'drain-timeout': { type: 'string', default: '60m' },
      json: { type: 'boolean', default: false }, init: { type: 'boolean', default: false },
    }, USAGE, io);
    if (parsed === undefined) return 2;
    const v = parsed.values;
    if (!v.fleet) return usageProblem(io, '--fleet DIR is required', USAGE);
    const meters = positiveInt(v.meters, 999_999);
    if (meters === undefined) return usageProblem(io, '--meters must be an integer in 1..999999', USAGE);
    if (!/^\d+$/.test(v.seed!)) return usageProblem(io, '--seed must be a non-negative integer', USAGE);
    if (!(FEED_PROFILES as readonly string[]).includes(v.profile!)) return usageProblem(io, `--profile must be one of ${FEED_PROFILES.join(', ')}`, USAGE);
    const startTime = saoPauloTime(v.day!, v.start!);
    if (startTime === undefined) return usageProblem(io, `--day YYYY-MM-DD and --start HH:MM must be a date and a time, got ${v.day} ${v.start}`, USAGE);
    const speedup = parseSpeed(v.speed!);
    if (speedup === undefined) return usageProblem(io, `--speed must look like 60x (0 < x ≤ 100000), got ${v.speed}`, USAGE);
    const durations = { duration: parseDuration(v.duration!), 'settle-timeout': parseDuration(v['settle-timeout']!), 'drain-timeout': parseDuration(v['drain-timeout']!) };
    const bad = Object.entries(durations).find(([, ms]) => ms === undefined);
    if (bad) return usageProblem(io, `--${bad[0]} must be a duration like 300s, 5m or 1h`, USAGE);
    const firstSeq = v['first-seq'] === undefined ? firstSeqAt(Date.now()) : positiveInt(v['first-seq']);
    if (firstSeq === undefined) return usageProblem(io, '--first-seq must be a positive integer', USAGE);
    const maxSockets = positiveInt(v['max-sockets'], 10_000);
    if (maxSockets === undefined) return usageProblem(io, '--max-sockets must be an integer in 1..10000', USAGE);
    const seed = Number(v.seed);
    const fleet = createReadingStream({ meters, seed, speedup: Infinity }).fleet;
    let fleetState;
    try {
      fleetState = await fleetOf(v.fleet, fleet, io);
    } catch (error) {
      return reportFailure(io, 'feed', error);
    }
    if (fleetState === 'different') {
      io.stderr.write(`feed failed: FLEET_MISMATCH: ${join(v.fleet, 'fleet.json')} is another fleet than --meters ${meters} --seed ${seed} (use another --fleet DIR)\n`);
      return 1;
    }
    if (v.init) return 0;
    const key = apiKeyOf(v.key);
    if (!key) return usageProblem(io, 'an operator key is needed to reconcile: --key or $SPEEDLEDGER_INGEST_KEY', USAGE);
    let client: IngestHttpClient;
    try {
      client = new IngestHttpClient(v.api!, key, maxSockets);
    } catch (error) {
      return usageProblem(io, (error as Error).message, USAGE);
    }
    const plan: FeedPlan = { profile: 'saopaulo', startTime, speedup, durationMs: durations.duration! };
    const tty = !v.json && (io.stderr as { isTTY?: boolean }).isTTY === true;
    const abort = new AbortController();
    const onSignal = (): void => abort.abort();
    process.once('SIGINT', onSignal);
    const prng = new Prng(seed >>> 0);
    try {
      const result = await runFeed({
        meters, seed, firstSeq, plan, client, random: () => prng.float(), ...realClock, signal: abort.signal,
        settleTimeoutMs: durations['settle-timeout']!, drainTimeoutMs: durations['drain-timeout']!,
        onProgress: (p) => {
          if (tty) io.stderr.write(`\r${progressLine(p)}`);
          else io.stdout.write(`${JSON.stringify({ progress: p })}\n`);
        },
      });
      if (tty) io.stderr.write('\n');
      const { missing, ...rest } = result.reconciliation;
      io.stdout.write(`${JSON.stringify({ summary: { ...rest, missingCount: missing.length, missing: missing.slice(0, 100), firstSeq, meters, seed, speedup, start: `${v.day}T${v.start}-03:00` }, figures: result.figures })}\n`);
      return result.reconciliation.zeroLoss && result.reconciliation.undelivered === 0 ? 0 : 1;
    } catch (error) {
      return reportFailure(io, 'feed', error);
    } finally {
      process.off('SIGINT', onSignal);
      client.close();
    }
  },
};
