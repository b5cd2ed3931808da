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

/** Options of {@link startBenchNetwork}. */
export interface BenchNetworkOptions {
  readonly orderers: number;
  readonly meters: number;
  /** Gateway connections the clients share (gRPC multiplexes many clients on each). */
  readonly connections: number;
  readonly seed: number;
  readonly log: (line: string) => void;
  /** Commit-status wait of the clients, ms (default the client's 60 s). */
  readonly commitTimeoutMs?: number;
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
  await upNetwork({ dataDir, orderers: options.orderers, basePort: await freeBasePort(portSpan(options.orderers)), healthTimeoutMs: 120_000, log: options.log });
  const upSeconds = (performance.now() - upStart) / 1000;
  const connectAs = (org: string, user: string): Promise<LedgerClient> => connectGateway({
    connectionProfile: connectionProfilePath(dataDir, org), mspId: findOrg(org)!.mspId, mspDir: identityDir(dataDir, org, user),
    ...(options.commitTimeoutMs === undefined ? {} : { timeouts: { commitMs: options.commitTimeoutMs } }),
  });
  const registrar = await connectAs('inmetro', 'Registrar');
  const ledgers = await Promise.all(Array.from({ length: options.connections }, () => connectAs('cityoperator', 'User1')));
  const stream = createReadingStream({ meters: options.meters, seed: options.seed, speedup: Infinity, startTime: Date.parse('2026-03-02T10:30:00Z'), mix: 'default' });
  const readings = stream[Symbol.asyncIterator]();

  const registerStart = performance.now();
  const fleet = [...stream.fleet.meters];
  const registrationFailures: Record<string, number> = {};
  await Promise.all(Array.from({ length: 32 }, async () => {
    for (let m = fleet.shift(); m !== undefined; m = fleet.shift()) {
      try {
        await registrar.registerMeter(m.meterId, m.publicKeyHex, m.site);
      } catch (error) {
        const code = error instanceof LedgerError ? (error.contractCode ?? error.code) : String(error);
        registrationFailures[code] = (registrationFailures[code] ?? 0) + 1;
      }
    }
  }));
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
