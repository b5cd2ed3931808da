import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataset, type Dataset, type FleetMeter, type GeneratedReading } from '@speedledger/datasets';
import { connectGateway, LedgerError, type ConnectOptions, type LedgerClient, type StageTimeouts } from '@speedledger/ledger-client';
import { connectionProfilePath, downNetwork, findOrg, freeBasePort, identityDir, missingBuildOutput, portSpan, upNetwork, type NetworkManifest } from '@speedledger/network';
import { Prng } from '@speedledger/orderer-bft/sim';
import { pino, type Logger } from 'pino';
import type { ApiLimits } from '../api/build-api.js';
import type { RegistryCacheOptions } from '../edge/meter-registry-cache.js';
import type { ReadingLedger, RegistryEvents } from '../ledger/reading-ledger.js';
import { startIngestService, type IngestService } from '../runtime/ingest-service.js';
import { followRegistryEvents } from '../runtime/registry-event-follower.js';
import { startIngestWorker, type IngestWorker, type WorkerOptions } from '../worker/ingest-worker.js';
import { redisMissing, startRedis, type LiveRedis } from './redis-server.js';

/** Why the live fixture cannot run here (redis-server or a build output missing), or undefined. */
export function liveMissing(): string | undefined {
  const redis = redisMissing();
  if (redis) return redis;
  const build = missingBuildOutput();
  return build === undefined ? undefined : `${build} is not built`;
}

/** Options of {@link startLiveIngest}. */
export interface LiveIngestOptions {
  /** Meters in the generated fleet (default 4). */
  readonly meters?: number;
  /** Readings generated over the fleet (default 40). */
  readonly readings?: number;
  /** Dataset seed (default 20_261_204). */
  readonly seed?: number;
  /** Dataset mix (default `clean`). */
  readonly mix?: Parameters<typeof createDataset>[0]['mix'];
  /** How many of the fleet's meters to register at start (default: all). */
  readonly register?: number;
  /** Overrides of the API limits (high-water mark, batch size …). */
  readonly limits?: Partial<ApiLimits>;
  /** Overrides of the worker options; `false` starts the API without workers. */
  readonly worker?: Partial<Omit<WorkerOptions, 'connection' | 'random'>> | false;
  readonly registryCache?: RegistryCacheOptions;
  /** Registry events from the operator's ledger client (default: {@link followRegistryEvents}, as `ingest serve`; return undefined for TTLs only). */
  readonly registryEvents?: (operator: LedgerClient) => RegistryEvents | undefined;
  /** Per-stage timeouts of the operator's ledger client. */
  readonly timeouts?: Partial<StageTimeouts>;
  /** Orderer replicas (default 4). */
  readonly orderers?: number;
  /**
   * false: no network supervisor (a test that stops members must not see them respawned; on a
   * machine loaded far past its cores the supervisor restarts peers whose event loop it sees
   * stalled). Default true, as `up`.
   */
  readonly supervise?: boolean;
  /** pino level of the API and workers (default `$INGEST_TEST_LOG` or `silent`). */
  readonly logLevel?: string;
}

/** A live embedded network, a real Redis, the ingest API and workers on the real ledger client. */
export interface LiveIngest {
  /** `http://127.0.0.1:PORT` of the ingest API. */
  readonly apiUrl: string;
  /** A valid operator API key (Bearer) for the operator routes. */
  readonly operatorKey: string;
  /** The network's data directory (network.json, logs/, connection profiles). */
  readonly dataDir: string;
  readonly manifest: NetworkManifest;
  readonly redis: LiveRedis;
  /** Redis key prefix of this ingest service (BullMQ under `<prefix>:bull`). */
  readonly prefix: string;
  /** The running service; replaced by {@link restartService}. */
  service: IngestService;
  /** The workers started with the service (undefined with `worker: false`). */
  worker: IngestWorker | undefined;
  readonly dataset: Dataset;
  readonly fleet: readonly FleetMeter[];
  readonly readings: readonly GeneratedReading[];
  /** The city operator's client (User1@cityoperator): the one the workers submit through. */
  readonly operator: LedgerClient;
  /** Inmetro's registrar (registers and revokes meters). */
  readonly registrar: LedgerClient;
  /** What `ingest serve` needs to reach this network as the city operator (for a child-process API). */
  readonly serveConnection: { connectionProfile: string; mspId: string; mspDir: string };
  /** Connects another client as `user` of `org` (the caller closes it). */
  connect(org: string, user: string, timeouts?: Partial<StageTimeouts>): Promise<LedgerClient>;
  /** Registers meters through the registrar (already-registered ones are an error). */
  registerMeters(meters: readonly FleetMeter[]): Promise<void>;
  /** Closes the service and workers (graceful) and starts new ones on the same Redis and prefix. */
  restartService(): Promise<IngestService>;
  /** GET /v1/readings/:meterId/:seq with the operator key; the JSON body (or undefined on 404). */
  status(meterId: string, seq: bigint | number | string): Promise<Record<string, unknown> | undefined>;
  /** Stops everything it started: service, workers, clients, Redis, the network; removes temp dirs unless `keep`. */
  stop(keep?: boolean): Promise<void>;
}

let prefixCounter = 0;

/**
 * Starts a real embedded network (`upNetwork` on a free block of ports, temp data dir), a real
 * redis-server (AOF, fsync always), and the ingest service (API + workers) exactly as
 * `ingest serve` composes it, submitting through `@speedledger/ledger-client` as the city
 * operator. Registers the first `register` meters of a generated fleet. On a failed start
 * everything started so far is stopped and the data dir kept for its logs.
 */
export async function startLiveIngest(options: LiveIngestOptions = {}): Promise<LiveIngest> {
  const log: Logger = pino({ level: options.logLevel ?? process.env.INGEST_TEST_LOG ?? 'silent' });
  const dataset = createDataset({ meters: options.meters ?? 4, readings: options.readings ?? 40, seed: options.seed ?? 20_261_204, mix: options.mix ?? 'clean' });
  const readings = [...dataset.readings()];
  const fleet = dataset.fleet.meters;
  const dataDir = await mkdtemp(join(tmpdir(), 'sensor-ingest-live-'));
  const prefix = `live${++prefixCounter}`;
  const cleanups: (() => Promise<unknown>)[] = [];
  const unwind = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error(`live-ingest cleanup: ${String(error)}`));
    cleanups.length = 0;
  };
  const connect = (org: string, user: string, timeouts?: Partial<StageTimeouts>): Promise<LedgerClient> => {
    const connectOptions: ConnectOptions = {
      connectionProfile: connectionProfilePath(dataDir, org), mspId: findOrg(org)!.mspId, mspDir: identityDir(dataDir, org, user),
      ...(timeouts ? { timeouts } : {}),
    };
    return connectGateway(connectOptions);
  };
  try {
    const basePort = await freeBasePort(portSpan(options.orderers ?? 4));
    cleanups.push(() => downNetwork(dataDir, 5_000));
    const manifest = await upNetwork({ dataDir, basePort, healthTimeoutMs: 120_000, supervise: options.supervise ?? true, ...(options.orderers ? { orderers: options.orderers } : {}) });
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const registrar = await connect('inmetro', 'Registrar');
    cleanups.push(() => registrar.close());
    const operator = await connect('cityoperator', 'User1', options.timeouts);
    cleanups.push(() => operator.close());
    const registerMeters = async (meters: readonly FleetMeter[]): Promise<void> => {
      for (const meter of meters) {
        // UNAVAILABLE means nothing was ordered (a peer the supervisor restarts on a loaded machine): safe to send again.
        for (let attempt = 1; ; attempt += 1) {
          try {
            await registrar.registerMeter(meter.meterId, meter.publicKeyHex, meter.site);
            break;
          } catch (error) {
            if (!(error instanceof LedgerError && error.code === 'UNAVAILABLE') || attempt >= 5) throw error;
            await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
          }
        }
      }
    };
    await registerMeters(fleet.slice(0, options.register ?? fleet.length));

    const prng = new Prng(options.seed ?? 20_261_204);
    const workerOptions = options.worker;
    let worker: IngestWorker | undefined;
    const events = options.registryEvents ? options.registryEvents(operator) : followRegistryEvents(operator);
    const start = (): Promise<IngestService> => startIngestService({
      redisUrl: redis.url, prefix, host: '127.0.0.1', port: 0, ledger: operator as ReadingLedger, log,
      ...(events ? { registryEvents: events } : {}),
      ...(options.registryCache ? { registryCache: options.registryCache } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(workerOptions === false ? {} : {
        startWorker: async ({ store, queue }) => {
          worker = await startIngestWorker(store, queue, operator, {
            connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null }, bullPrefix: `${prefix}:bull`, random: () => prng.float(),
            maxWaitMs: 100, backoff: { baseMs: 200, maxMs: 2_000 }, lockDurationMs: 10_000, stalledIntervalMs: 2_000, reconcileIntervalMs: 5_000,
            ...workerOptions,
          }, log);
          return worker;
        },
      }),
    });
    let service = await start();
    let serviceClosed = false;
    cleanups.push(async () => {
      if (!serviceClosed) await live.service.close();
    });
    const operatorKey = await service.operators.create('live-test-operator');
    const live: LiveIngest = {
      apiUrl: service.url, operatorKey, dataDir, manifest, redis, prefix, service, worker, dataset, fleet, readings, operator, registrar,
      serveConnection: { connectionProfile: connectionProfilePath(dataDir, 'cityoperator'), mspId: findOrg('cityoperator')!.mspId, mspDir: identityDir(dataDir, 'cityoperator', 'User1') },
      connect, registerMeters,
      async restartService() {
        serviceClosed = true;
        await live.service.close();
        service = await start();
        serviceClosed = false;
        live.service = service;
        live.worker = worker;
        return service;
      },
      async status(meterId, seq) {
        const response = await fetch(`${live.service.url}/v1/readings/${encodeURIComponent(meterId)}/${String(seq)}`, { headers: { authorization: `Bearer ${operatorKey}` } });
        if (response.status === 404) return undefined;
        if (!response.ok) throw new Error(`GET status ${meterId}/${String(seq)}: HTTP ${response.status} ${await response.text()}`);
        return (await response.json()) as Record<string, unknown>;
      },
      async stop(keep = false) {
        await unwind();
        if (!keep) await rm(dataDir, { recursive: true, force: true });
        else console.error(`live-ingest: network data kept in ${dataDir}`);
      },
    };
    return live;
  } catch (error) {
    await unwind();
    console.error(`live-ingest failed to start; network data kept in ${dataDir}`);
    throw error;
  }
}

/** POSTs raw bytes to the API (`application/octet-stream` unless `contentType`). */
export async function postReading(apiUrl: string, body: Uint8Array, contentType = 'application/octet-stream'): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${apiUrl}/v1/readings`, { method: 'POST', headers: { 'content-type': contentType }, body: Buffer.from(body) });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    parsed = { text };
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
