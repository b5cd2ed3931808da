import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { LogLevel } from '@speedledger/orderer-bft/runtime';
import { PeerNodeError } from './peer-node-error.js';

/** Another organisation's peer the Gateway may ask for endorsements. */
export interface GatewayPeerConfig {
  readonly name: string;
  readonly mspId: string;
  readonly address: string;
}

/** The `speedledger peer start --config FILE` configuration, paths resolved against the file's directory. */
export interface PeerNodeConfig {
  readonly name: string;
  readonly mspId: string;
  readonly mspDir: string;
  readonly listen: { readonly grpc: string; readonly operations: string };
  readonly dataDir: string;
  readonly channel: { readonly id: string; readonly genesisBlock: string };
  /** Orderer addresses; undefined = the consenter endpoints of the genesis block. */
  readonly orderers?: readonly string[];
  readonly gatewayPeers: readonly GatewayPeerConfig[];
  readonly chaincodePackagesDir: string;
  /** The lifecycle approval rule DSL; undefined = take it from the channel config. */
  readonly lifecycle?: { readonly approvalPolicy: string };
  readonly logLevel: LogLevel;
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
const KEYS = ['name', 'mspId', 'mspDir', 'listen', 'dataDir', 'channel', 'orderers', 'gatewayPeers', 'chaincodePackagesDir', 'lifecycle', 'logLevel'];
const ADDRESS = /^[^\s:]+:\d{1,5}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Reads and validates a peer config file. Throws INVALID_PEER_CONFIG naming the file and field. */
export async function loadPeerConfig(path: string): Promise<PeerNodeConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new PeerNodeError('INVALID_PEER_CONFIG', `cannot read peer config ${path}`, { path }, cause);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new PeerNodeError('INVALID_PEER_CONFIG', `peer config ${path} is not JSON`, { path }, cause);
  }
  return parsePeerConfig(json, dirname(resolve(path)));
}

/** Validates a parsed config object strictly (unknown keys are errors); relative paths resolve against `baseDir`. */
export function parsePeerConfig(json: unknown, baseDir: string): PeerNodeConfig {
  const bad = (field: string, why: string): never => {
    throw new PeerNodeError('INVALID_PEER_CONFIG', `config.${field} ${why}`, { field });
  };
  const object = (value: unknown, field: string): Record<string, unknown> =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : bad(field, 'must be an object');
  const string = (value: unknown, field: string, pattern?: RegExp, what = 'a non-empty string'): string =>
    typeof value === 'string' && value !== '' && (pattern === undefined || pattern.test(value)) ? value : bad(field, `must be ${what}`);
  const path = (value: unknown, field: string): string => resolve(baseDir, string(value, field, undefined, 'a path'));

  const c = object(json, '(root)');
  for (const key of Object.keys(c)) if (!KEYS.includes(key)) bad(key, 'is not a known field');
  const listen = object(c.listen, 'listen');
  for (const key of Object.keys(listen)) if (!['grpc', 'operations'].includes(key)) bad(`listen.${key}`, 'is not a known field');
  const channel = object(c.channel, 'channel');
  for (const key of Object.keys(channel)) if (!['id', 'genesisBlock'].includes(key)) bad(`channel.${key}`, 'is not a known field');

  let orderers: string[] | undefined;
  if (c.orderers !== undefined) {
    if (!Array.isArray(c.orderers) || c.orderers.length === 0) bad('orderers', 'must be a non-empty array of host:port (or be omitted)');
    orderers = (c.orderers as unknown[]).map((a, i) => string(a, `orderers[${i}]`, ADDRESS, 'host:port'));
  }
  const gatewayPeers: GatewayPeerConfig[] = [];
  if (c.gatewayPeers !== undefined) {
    if (!Array.isArray(c.gatewayPeers)) bad('gatewayPeers', 'must be an array');
    for (const [i, entry] of (c.gatewayPeers as unknown[]).entries()) {
      const p = object(entry, `gatewayPeers[${i}]`);
      for (const key of Object.keys(p)) if (!['name', 'mspId', 'address'].includes(key)) bad(`gatewayPeers[${i}].${key}`, 'is not a known field');
      gatewayPeers.push({
        name: string(p.name, `gatewayPeers[${i}].name`, NAME, 'a peer name'),
        mspId: string(p.mspId, `gatewayPeers[${i}].mspId`, NAME, 'an MSP id'),
        address: string(p.address, `gatewayPeers[${i}].address`, ADDRESS, 'host:port'),
      });
    }
  }
  let lifecycle: { approvalPolicy: string } | undefined;
  if (c.lifecycle !== undefined) {
    const l = object(c.lifecycle, 'lifecycle');
    for (const key of Object.keys(l)) if (key !== 'approvalPolicy') bad(`lifecycle.${key}`, 'is not a known field');
    lifecycle = { approvalPolicy: string(l.approvalPolicy, 'lifecycle.approvalPolicy', undefined, 'a policy DSL string') };
  }
  const logLevel = (c.logLevel ?? 'info') as LogLevel;
  if (!LEVELS.includes(logLevel)) bad('logLevel', `must be one of ${LEVELS.join(', ')}`);

  return {
    name: string(c.name, 'name', NAME, 'a peer name ([A-Za-z0-9._-])'),
    mspId: string(c.mspId, 'mspId', NAME, 'an MSP id'),
    mspDir: path(c.mspDir, 'mspDir'),
    listen: { grpc: string(listen.grpc, 'listen.grpc', ADDRESS, 'host:port'), operations: string(listen.operations, 'listen.operations', ADDRESS, 'host:port') },
    dataDir: path(c.dataDir, 'dataDir'),
    channel: { id: string(channel.id, 'channel.id', /^[a-z][a-z0-9.-]*$/, 'a lower-case channel name'), genesisBlock: path(channel.genesisBlock, 'channel.genesisBlock') },
    ...(orderers === undefined ? {} : { orderers }),
    gatewayPeers,
    chaincodePackagesDir: path(c.chaincodePackagesDir, 'chaincodePackagesDir'),
    ...(lifecycle === undefined ? {} : { lifecycle }),
    logLevel,
  };
}
