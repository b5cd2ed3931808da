import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DEFAULT_TIMING, type ReplicaConfig } from '../core/config.js';
import { GARBAGE_SIGNATURE_MODES, type ByzantineConfig, type GarbageSignatures } from './byzantine-signer.js';
import type { LogLevel } from './logger.js';
import { RuntimeError } from './runtime-error.js';

/** One replica of the cluster as every member sees it. */
export interface ClusterMember {
  readonly id: number;
  /** host:port of its gRPC server (AtomicBroadcast + replica links). */
  readonly address: string;
  /** PEM public key (SPKI, P-256), inline or read from `publicKeyFile`; unused with `fabric`. */
  readonly publicKeyPem?: string;
}

/** Fabric mode: identities and ledger format from a channel genesis block and an MSP identity. */
export interface FabricNodeConfig {
  /** The channel's genesis block (binary `common.Block`); its consenters, in order, are the replicas. */
  readonly genesisBlock: Uint8Array;
  /** This consenter's enrolment certificate and PKCS#8 key (PEM). */
  readonly certPem: string;
  readonly privateKeyPem: string;
}

/** The `speedledger orderer start --config FILE` configuration, paths resolved. */
export interface OrdererNodeConfig {
  readonly id: number;
  readonly channel: string;
  readonly listen: { readonly grpc: string; readonly metrics?: string };
  readonly replicas: readonly ClusterMember[];
  /** The runtime's own replica key (unused with `fabric`). */
  readonly privateKeyPem?: string;
  readonly fabric?: FabricNodeConfig;
  readonly dataDir: string;
  /** Core protocol parameters (milliseconds) over {@link RUNTIME_TIMING}. */
  readonly protocol: Omit<ReplicaConfig, 'id' | 'n'>;
  readonly maxEnvelopeBytes: number;
  readonly logLevel: LogLevel;
  /** TEST ONLY: makes this replica sign garbage; accepted only with `SPEEDLEDGER_ALLOW_BYZANTINE=1`. */
  readonly byzantine?: ByzantineConfig;
}

/**
 * Largest envelope Broadcast accepts when the config names none: room for a `SubmitReadings` of
 * ledger-client's `MAX_BATCH_BYTES` (1.5 MiB of readings, base64 in the proposal payload ≈ 2 MiB,
 * plus write set and per-item results). It must stay below the runtime's `batchMaxBytes` (4 MiB),
 * which refuses a larger single request. Real Fabric bounds envelopes by the channel's
 * `AbsoluteMaxBytes` (10 MB in our genesis block); a smaller bound here keeps what one hostile
 * client can make a replica buffer.
 */
export const DEFAULT_MAX_ENVELOPE_BYTES = 3 * 1024 * 1024;

/** The environment variable that must be `1` for a config with a `byzantine` section to load. */
export const ALLOW_BYZANTINE_ENV = 'SPEEDLEDGER_ALLOW_BYZANTINE';

/**
 * Defaults for real processes: large batches (one proposal is in flight at a time, so the batch
 * size bounds throughput) and request timers well above a loaded machine's ordering latency.
 */
export const RUNTIME_TIMING: Omit<ReplicaConfig, 'id' | 'n'> = {
  ...DEFAULT_TIMING,
  batchMaxCount: 1000,
  batchMaxBytes: 4 * 1024 * 1024,
  batchTimeout: 10,
  requestForwardTimeout: 1000,
  requestComplainTimeout: 2000,
  viewChangeTimeout: 2000,
  stateTransferDelay: 300,
  stateTransferTimeout: 1000,
  heartbeatInterval: 500,
  checkpointInterval: 10,
  logWindow: 40,
  poolMaxSize: 50_000,
};

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Reads and validates a JSON config; relative paths are taken from the config file's directory. */
export async function loadNodeConfig(path: string): Promise<OrdererNodeConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new RuntimeError('INVALID_RUNTIME_CONFIG', `cannot read config ${path}`, { path }, cause);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new RuntimeError('INVALID_RUNTIME_CONFIG', `config ${path} is not JSON`, { path }, cause);
  }
  return parseNodeConfig(json, dirname(resolve(path)));
}

/**
 * Validates a parsed config object (files are read relative to `baseDir`); `env` is consulted only
 * for the test-only `byzantine` switch.
 */
export async function parseNodeConfig(json: unknown, baseDir: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<OrdererNodeConfig> {
  const bad = (field: string, why: string): never => {
    throw new RuntimeError('INVALID_RUNTIME_CONFIG', `config.${field} ${why}`, { field });
  };
  if (typeof json !== 'object' || json === null) return bad('', 'must be an object');
  const c = json as Record<string, unknown>;
  const id = c.id;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) bad('id', 'must be a non-negative integer');
  const channel = typeof c.channel === 'string' && /^[a-z][a-z0-9.-]*$/.test(c.channel) ? c.channel : bad('channel', 'must be a lower-case channel name');
  const listen = c.listen as Record<string, unknown> | undefined;
  if (typeof listen?.grpc !== 'string') bad('listen.grpc', 'must be host:port');
  if (listen?.metrics !== undefined && typeof listen.metrics !== 'string') bad('listen.metrics', 'must be host:port');
  const readPem = async (field: string, inline: unknown, file: unknown): Promise<string> => {
    if (typeof inline === 'string') return inline;
    if (typeof file !== 'string') return bad(field, 'needs an inline PEM or a file');
    try {
      return await readFile(resolve(baseDir, file), 'utf8');
    } catch (cause) {
      throw new RuntimeError('INVALID_RUNTIME_CONFIG', `config.${field}: cannot read ${file}`, { field, file }, cause);
    }
  };
  let fabric: FabricNodeConfig | undefined;
  if (c.fabric !== undefined) {
    const f = (c.fabric ?? {}) as Record<string, unknown>;
    if (typeof f.genesisBlockFile !== 'string') bad('fabric.genesisBlockFile', 'must be a file path');
    let genesisBlock: Uint8Array;
    try {
      genesisBlock = new Uint8Array(await readFile(resolve(baseDir, f.genesisBlockFile as string)));
    } catch (cause) {
      throw new RuntimeError('INVALID_RUNTIME_CONFIG', `config.fabric.genesisBlockFile: cannot read ${String(f.genesisBlockFile)}`, { field: 'fabric.genesisBlockFile' }, cause);
    }
    fabric = {
      genesisBlock,
      certPem: await readPem('fabric.certFile', f.certPem, f.certFile),
      privateKeyPem: await readPem('fabric.privateKeyFile', f.privateKeyPem, f.privateKeyFile),
    };
  }
  if (!Array.isArray(c.replicas) || c.replicas.length === 0) bad('replicas', 'must list every replica');
  const replicas: ClusterMember[] = [];
  for (const [index, entry] of (c.replicas as unknown[]).entries()) {
    const m = (entry ?? {}) as Record<string, unknown>;
    if (m.id !== index) bad(`replicas[${index}].id`, `must be ${index} (replicas are listed by id)`);
    if (typeof m.address !== 'string' || !/^[^:]+:\d+$/.test(m.address)) bad(`replicas[${index}].address`, 'must be host:port');
    const publicKeyPem = fabric === undefined ? await readPem(`replicas[${index}].publicKeyFile`, m.publicKeyPem, m.publicKeyFile) : undefined;
    replicas.push({ id: index, address: m.address as string, ...(publicKeyPem === undefined ? {} : { publicKeyPem }) });
  }
  if ((id as number) >= replicas.length) bad('id', 'must be the index of one of the replicas');
  if (typeof c.dataDir !== 'string') bad('dataDir', 'must be a directory path');
  const protocol = { ...RUNTIME_TIMING, ...((c.protocol ?? {}) as Partial<ReplicaConfig>) };
  const maxEnvelopeBytes = c.maxEnvelopeBytes ?? DEFAULT_MAX_ENVELOPE_BYTES;
  if (typeof maxEnvelopeBytes !== 'number' || !(maxEnvelopeBytes > 0)) bad('maxEnvelopeBytes', 'must be a positive number');
  const logLevel = (c.logLevel ?? 'info') as LogLevel;
  if (!LEVELS.includes(logLevel)) bad('logLevel', `must be one of ${LEVELS.join(', ')}`);
  let byzantine: ByzantineConfig | undefined;
  if (c.byzantine !== undefined) {
    const b = (c.byzantine ?? {}) as Record<string, unknown>;
    const mode = b.garbageSignatures;
    if (typeof mode !== 'string' || !GARBAGE_SIGNATURE_MODES.includes(mode as GarbageSignatures)) {
      bad('byzantine.garbageSignatures', `must be one of ${GARBAGE_SIGNATURE_MODES.join(', ')}`);
    }
    // A replica that signs garbage is a fault injector; a production config must never enable it by accident.
    if (env[ALLOW_BYZANTINE_ENV] !== '1') bad('byzantine', `is a test-only fault injector, refused unless ${ALLOW_BYZANTINE_ENV}=1`);
    byzantine = { garbageSignatures: mode as GarbageSignatures };
  }
  return {
    id: id as number, channel, listen: { grpc: listen!.grpc as string, ...(typeof listen!.metrics === 'string' ? { metrics: listen!.metrics } : {}) },
    replicas, dataDir: resolve(baseDir, c.dataDir as string),
    ...(fabric === undefined ? { privateKeyPem: await readPem('privateKeyFile', c.privateKeyPem, c.privateKeyFile) } : { fabric }),
    protocol, maxEnvelopeBytes: maxEnvelopeBytes as number, logLevel, ...(byzantine === undefined ? {} : { byzantine }),
  };
}
