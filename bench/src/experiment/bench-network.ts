/**
 * The embedded network as the experiment uses it: `upNetwork` in a temp dir with N orderer
 * replicas (4 = BFT, 1 = the solo analogue), the meters of a reading stream registered by
 * Inmetro's registrar, gateway connections of city-operator clients, readings generated on
 * demand (before a level, never inside its window), CPU seconds per member from /proc, and
 * `downNetwork` at the end (data kept when something failed).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReadingStream, type GeneratedReading } from '@speedledger/datasets';
import { connectGateway, LedgerError, type LedgerClient } from '@speedledger/ledger-client';
import { connectionProfilePath, downNetwork, findOrg, freeBasePort, identityDir, portSpan, upNetwork } from '@speedledger/network';
import { memberCpuSeconds } from '../network-fixture.js';

/** Stage deadlines of the experiment's clients, ms. */
export const EXPERIMENT_TIMEOUTS = { endorseMs: 120_000, submitMs: 60_000, commitMs: 300_000 } as const;

/** Options of {@link startBenchNetwork}. */
export interface BenchNetworkOptions {
  readonly orderers: number;
  readonly meters: number;
  /** Gateway connections the clients share (gRPC multiplexes many clients on each). */
  readonly connections: number;
  readonly seed: number;
  readonly log: (line: string) => void;
  /**
   * Start the network's supervisor (default false): on a loaded 2-core machine it restarts a
   * peer whose event loop stalls for a few seconds, and a restart inside a level would measure
   * the supervisor, not the network.
   */
  readonly supervise?: boolean;
  /**
   * The clients' stage deadlines. The paper's clients wait for their commit however long it takes;
   * the defaults here (endorse 120 s, submit 60 s, commit 300 s) let a loaded level show its
   * latency instead of the client library's 30/10/60 s timeouts.
   */
  readonly timeouts?: { readonly endorseMs: number; readonly submitMs: number; readonly commitMs: number };
}

/** A running benchmark network. */
export interface BenchNetwork {
  readonly dataDir: string;
  readonly ledgers: readonly LedgerClient[];
  /** Seconds `upNetwork` and the registration took. */
  readonly upSeconds: number;
  readonly registerSeconds: number;
  readonly registrationFailures: Record<string, number>;
  /** The next `count` readings of the stream (fewer if it ends). */
  generate(count: number): Promise<GeneratedReading[]>;
  cpuSeconds(): Promise<Map<string, number>>;
  /** Closes the connections and stops the network; keeps the data dir when `keep`. */
  close(keep: boolean): Promise<void>;
}

/** Starts the network and registers the meters (32 in flight: distinct meter keys do not conflict). */
export async function startBenchNetwork(options: BenchNetworkOptions): Promise<BenchNetwork> {
  const dataDir = await mkdtemp(join(tmpdir(), `bench-experiment-${options.orderers}o-`));
  const upStart = performance.now();
  await upNetwork({ dataDir, orderers: options.orderers, basePort: await freeBasePort(portSpan(options.orderers)), healthTimeoutMs: 120_000, supervise: options.supervise ?? false, log: options.log });
  const upSeconds = (performance.now() - upStart) / 1000;
  const connectAs = (org: string, user: string): Promise<LedgerClient> => connectGateway({
    connectionProfile: connectionProfilePath(dataDir, org), mspId: findOrg(org)!.mspId, mspDir: identityDir(dataDir, org, user),
    timeouts: options.timeouts ?? EXPERIMENT_TIMEOUTS,
  });
  const registrar = await connectAs('inmetro', 'Registrar');
  const ledgers = await Promise.all(Array.from({ length: options.connections }, () => connectAs('cityoperator', 'User1')));
  const stream = createReadingStream({ meters: options.meters, seed: options.seed, speedup: Infinity, startTime: Date.parse('2026-03-02T10:30:00Z'), mix: 'default' });
  const readings = stream[Symbol.asyncIterator]();

  const registerStart = performance.now();
  // Up to three rounds: a meter whose registration failed (a busy peer, a timeout) is tried again;
  // one already recorded by an earlier attempt answers METER_EXISTS-like contract codes, counted.
  let fleet = [...stream.fleet.meters];
  let registrationFailures: Record<string, number> = {};
  for (let round = 0; round < 3 && fleet.length > 0; round += 1) {
    const failedMeters: typeof fleet = [];
    registrationFailures = {};
    await Promise.all(Array.from({ length: 32 }, async () => {
      for (let m = fleet.shift(); m !== undefined; m = fleet.shift()) {
        try {
          await registrar.registerMeter(m.meterId, m.publicKeyHex, m.site);
        } catch (error) {
          const code = error instanceof LedgerError ? (error.contractCode ?? error.code) : String(error);
          registrationFailures[code] = (registrationFailures[code] ?? 0) + 1;
          if (!(error instanceof LedgerError && error.contractCode !== undefined)) failedMeters.push(m);
        }
      }
    }));
    if (failedMeters.length > 0) options.log(`registration round ${round + 1}: ${failedMeters.length} meters to retry (${JSON.stringify(registrationFailures)})`);
    fleet = failedMeters;
  }
  const registerSeconds = (performance.now() - registerStart) / 1000;
  await registrar.close();

  return {
    dataDir, ledgers, upSeconds, registerSeconds, registrationFailures,
    async generate(count) {
      const out: GeneratedReading[] = [];
      while (out.length < count) {
        const r = await readings.next();
        if (r.done === true) break;
        out.push(r.value);
      }
      return out;
    },
    cpuSeconds: () => memberCpuSeconds(dataDir),
    async close(keep) {
      await Promise.all(ledgers.map((l) => l.close()));
      await downNetwork(dataDir, 5_000);
      if (!keep) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
