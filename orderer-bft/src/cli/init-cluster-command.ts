import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateEcdsaKeyPair } from '../runtime/ecdsa-identity.js';
import { writeFabricMaterial } from './fabric-material.js';
import type { OrdererCliCommand } from './command.js';

const USAGE = `speedledger orderer init-cluster --out DIR [--replicas 4] [--channel speedledger]
                                 [--host 127.0.0.1] [--pool-max-size N] [--log-level info] [--fabric]

Writes a loopback cluster: DIR/keys/replica<i>.{key,pub}.pem (P-256), DIR/replica<i>.json
(free gRPC and metrics ports; data under DIR/data/replica<i>). With --fabric: an orderer and a
client organisation (keys/orderer<i>.{cert,key}.pem, keys/client.{cert,key}.pem) and the BFT
channel's DIR/genesis.block; replicas then sign as Fabric consenters and only channel members'
signed envelopes are ordered or served. Start each with
"speedledger orderer start --config DIR/replica<i>.json".`;

/** Ports the OS hands out now; closed again before returning (a small race is acceptable on loopback). */
export async function freePorts(count: number, host: string): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<import('node:net').Server>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => resolve(server));
  })));
  const ports = servers.map((s) => (s.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** Options of {@link writeClusterConfigs}. */
export interface ClusterSpec {
  readonly out: string;
  readonly replicas: number;
  readonly channel: string;
  readonly host: string;
  readonly protocol?: Record<string, number>;
  readonly logLevel?: string;
  /** Fabric mode: MSP identities and a channel genesis block instead of bare replica keys. */
  readonly fabric?: boolean;
}

/** Writes keys and one config per replica; returns the config paths. */
export async function writeClusterConfigs(spec: ClusterSpec): Promise<string[]> {
  const ports = await freePorts(spec.replicas * 2, spec.host);
  await mkdir(join(spec.out, 'keys'), { recursive: true });
  const addresses = Array.from({ length: spec.replicas }, (_, id) => `${spec.host}:${ports[id]}`);
  const fabric = spec.fabric === true ? await writeFabricMaterial(spec.out, spec.channel, addresses, new Date()) : undefined;
  const replicas = [];
  for (let id = 0; id < spec.replicas; id += 1) {
    if (fabric !== undefined) {
      replicas.push({ id, address: addresses[id]! });
      continue;
    }
    const keys = generateEcdsaKeyPair();
    await writeFile(join(spec.out, 'keys', `replica${id}.key.pem`), keys.privateKeyPem, { mode: 0o600 });
    await writeFile(join(spec.out, 'keys', `replica${id}.pub.pem`), keys.publicKeyPem);
    replicas.push({ id, address: addresses[id]!, publicKeyFile: `keys/replica${id}.pub.pem` });
  }
  const paths: string[] = [];
  for (let id = 0; id < spec.replicas; id += 1) {
    const config = {
      id, channel: spec.channel,
      listen: { grpc: replicas[id]!.address, metrics: `${spec.host}:${ports[spec.replicas + id]}` },
      replicas, dataDir: `data/replica${id}`,
      ...(fabric === undefined
        ? { privateKeyFile: `keys/replica${id}.key.pem` }
        : { fabric: { genesisBlockFile: fabric.genesisBlockFile, ...fabric.consenters[id]! } }),
      ...(spec.protocol === undefined ? {} : { protocol: spec.protocol }),
      ...(spec.logLevel === undefined ? {} : { logLevel: spec.logLevel }),
    };
    const path = join(spec.out, `replica${id}.json`);
    await writeFile(path, `${JSON.stringify(config, null, 2)}\n`);
    paths.push(path);
  }
  return paths;
}

/** `speedledger orderer init-cluster`. */
export const initClusterCommand: OrdererCliCommand = {
  path: ['orderer', 'init-cluster'],
  summary: 'Write keys and configs for a loopback BFT ordering cluster',
  usage: USAGE,
  async run(args, io) {
    let values;
    try {
      ({ values } = parseArgs({
        args, strict: true, allowPositionals: false,
        options: {
          out: { type: 'string' }, replicas: { type: 'string', default: '4' }, channel: { type: 'string', default: 'speedledger' },
          host: { type: 'string', default: '127.0.0.1' }, 'pool-max-size': { type: 'string' }, 'log-level': { type: 'string' },
          fabric: { type: 'boolean', default: false },
        },
      }));
    } catch (error) {
      io.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
      return 2;
    }
    const replicas = Number(values.replicas);
    const pool = values['pool-max-size'] === undefined ? undefined : Number(values['pool-max-size']);
    const problem = values.out === undefined ? '--out is required'
      : !Number.isInteger(replicas) || replicas < 1 || replicas % 3 !== 1 ? '--replicas must be 3f+1 (1, 4, 7, …)'
        : pool !== undefined && !(Number.isInteger(pool) && pool > 0) ? '--pool-max-size must be a positive integer' : undefined;
    if (problem !== undefined) {
      io.stderr.write(`${problem}\n${USAGE}\n`);
      return 2;
    }
    try {
      const paths = await writeClusterConfigs({
        out: values.out!, replicas, channel: values.channel!, host: values.host!, fabric: values.fabric === true,
        ...(pool === undefined ? {} : { protocol: { poolMaxSize: pool } }),
        ...(values['log-level'] === undefined ? {} : { logLevel: values['log-level'] }),
      });
      for (const path of paths) io.stdout.write(`${path}\n`);
      return 0;
    } catch (error) {
      io.stderr.write(`init-cluster failed: ${(error as Error).message}\n`);
      return 1;
    }
  },
};
