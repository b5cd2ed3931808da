import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenesisBlock, generateOrganization, identityMspDir, writeOrganization, type EnrolledIdentity, type Organization } from '@speedledger/orderer-bft';
import { freePorts } from '@speedledger/orderer-bft/cli';
import { signingIdentityFromPem, type SigningIdentity } from '../../msp/index.js';

/** The peer package directory (live tests spawn its built CLI). */
export const peerPackageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const ordererCliDir = dirname(fileURLToPath(import.meta.resolve('@speedledger/orderer-bft/cli')));

/** A process of the live network with everything it printed. */
export interface LiveProcess {
  readonly label: string;
  readonly args: string[];
  process?: ChildProcess;
  output: string;
  /** Operations endpoint, host:port (orderers: their `listen.metrics`). */
  readonly operations?: string;
}

/** One peer of the live network. */
export interface LivePeer extends LiveProcess {
  readonly mspId: string;
  readonly config: string;
  readonly grpc: string;
  readonly operations: string;
}

/** Orderers, peers, identities and the directory they live in. */
export interface LiveNetwork {
  readonly dir: string;
  readonly channel: string;
  readonly orderers: LiveProcess[];
  readonly ordererAddresses: string[];
  readonly peers: LivePeer[];
  /** `identity('InmetroMSP', 'admin')`; `registrar` exists for the organisations given `registrars`. */
  identity(mspId: string, role: LiveRole): SigningIdentity;
  /** The same identity's certificate and PKCS#8 key (PEM), for client libraries. */
  pem(mspId: string, role: LiveRole): { readonly certPem: string; readonly privateKeyPem: string };
}

/** Identities the live network enrols per organisation. */
/** `guest`: issued by the organisation's CA with OU=guest, no role NodeOUs recognise (only with `guests`). */
export type LiveRole = 'admin' | 'client' | 'peer' | 'registrar' | 'guest';

/** What else to enrol or configure. */
export interface LiveNetworkOptions {
  readonly orderers?: number;
  readonly approvalPolicy?: string;
  /** Organisations that get a `Registrar@` client with lr-chaincode's registrar attribute. */
  readonly registrars?: readonly string[];
  /** Enrol a `guest` per organisation: a member-CA certificate with no recognised role (not written to the MSP dirs). */
  readonly guests?: boolean;
}

/** Compiles the peer package so spawned peers run the code under test (type errors in work in progress do not block emit). */
export function buildPeerPackage(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', join(peerPackageDir, 'tsconfig.build.json')], { cwd: peerPackageDir, stdio: 'pipe' });
  } catch (error) {
    if (!existsSync(join(peerPackageDir, 'dist/cli/main.js'))) throw error;
  }
}

export { waitFor } from '@speedledger/orderer-bft/runtime';

/** Starts a process of the network, collecting its output. */
export function spawnLive(live: LiveProcess): ChildProcess {
  live.output = '';
  const child = spawn(process.execPath, live.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => (live.output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (live.output += chunk.toString()));
  live.process = child;
  return child;
}

/** Sends SIGTERM and waits for the exit (SIGKILL after 5 s). */
export async function stopLive(live: LiveProcess): Promise<void> {
  const child = live.process;
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Writes a network under `dir`: an orderer organisation with `orderers` BFT consenters,
 * application organisations `mspIds` with one peer, an admin and a client each (cryptogen
 * layout), the genesis block, and one config per orderer and peer (every peer lists the others
 * as gateway peers). Nothing is started.
 */
export async function writeLiveNetwork(dir: string, mspIds: readonly string[], options: LiveNetworkOptions = {}): Promise<LiveNetwork> {
  const orderers = options.orderers ?? 4;
  const now = new Date(Date.now() - 60_000);
  const channel = 'speedledger';
  const ports = await freePorts(orderers * 2 + mspIds.length * 2, '127.0.0.1');
  const ordererAddresses = ports.slice(0, orderers).map((p) => `127.0.0.1:${p}`);
  await mkdir(join(dir, 'keys'), { recursive: true });

  const ordererOrg = await generateOrganization({ mspId: 'OrdererMSP', domain: 'orderer.speedledger.local', now });
  const consenterIds: EnrolledIdentity[] = [];
  for (let i = 0; i < orderers; i++) consenterIds.push(await ordererOrg.enrol(`orderer${i}.orderer.speedledger.local`, { ou: 'orderer' }));
  await writeOrganization(dir, { mspId: 'OrdererMSP', domain: 'orderer.speedledger.local', kind: 'orderer', ca: ordererOrg.ca, identities: consenterIds });

  const signers = new Map<string, SigningIdentity>();
  const pems = new Map<string, { certPem: string; privateKeyPem: string }>();
  const orgs: { mspId: string; org: Organization; peerMspDir: string }[] = [];
  for (const mspId of mspIds) {
    const domain = `${mspId.replace(/MSP$/, '').toLowerCase()}.speedledger.local`;
    const org = await generateOrganization({ mspId, domain, now });
    const identities: EnrolledIdentity[] = [];
    for (const role of ['peer', 'admin', 'client'] as const) {
      const id = await org.enrol(role === 'peer' ? `peer0.${domain}` : `${role === 'admin' ? 'Admin' : 'User1'}@${domain}`, { ou: role });
      identities.push(id);
      signers.set(`${mspId}/${role}`, signingIdentityFromPem(mspId, id.certPem, id.privateKeyPem));
      pems.set(`${mspId}/${role}`, id);
    }
    if (options.registrars?.includes(mspId) === true) {
      const id = await org.enrol(`Registrar@${domain}`, { ou: 'client', attrs: { 'speedledger.role': 'registrar' } });
      identities.push(id);
      signers.set(`${mspId}/registrar`, signingIdentityFromPem(mspId, id.certPem, id.privateKeyPem));
      pems.set(`${mspId}/registrar`, id);
    }
    if (options.guests === true) {
      // NodeOu admits only the four roles; the cast is the point: a certificate none of them matches.
      const id = await org.enrol(`Guest@${domain}`, { ou: 'guest' as 'client' });
      signers.set(`${mspId}/guest`, signingIdentityFromPem(mspId, id.certPem, id.privateKeyPem));
      pems.set(`${mspId}/guest`, id);
    }
    const orgDir = await writeOrganization(dir, { mspId, domain, kind: 'peer', ca: org.ca, identities });
    orgs.push({ mspId, org, peerMspDir: identityMspDir(orgDir, `peer0.${domain}`, 'peer') });
  }
  const genesis = createGenesisBlock({
    channelId: channel,
    organizations: orgs.map((o) => ({ mspId: o.mspId, rootCertsPem: [o.org.ca.certPem] })),
    ordererOrganizations: [{ mspId: 'OrdererMSP', rootCertsPem: [ordererOrg.ca.certPem], endpoints: ordererAddresses }],
    consenters: consenterIds.map((id, i) => ({ id: i + 1, host: '127.0.0.1', port: ports[i]!, mspId: 'OrdererMSP', certPem: id.certPem })),
    // As the embedded network (network/src/material): peers write their own refusal records, and
    // the orderers check Writers roles on Broadcast.
    application: { writerRoles: ['admin', 'client', 'peer'] },
  });
  await writeFile(join(dir, 'genesis.block'), genesis.serializeBinary());

  const ordererProcesses: LiveProcess[] = [];
  for (let i = 0; i < orderers; i++) {
    await writeFile(join(dir, `keys/orderer${i}.cert.pem`), consenterIds[i]!.certPem);
    await writeFile(join(dir, `keys/orderer${i}.key.pem`), consenterIds[i]!.privateKeyPem, { mode: 0o600 });
    const config = join(dir, `orderer${i}.json`);
    await writeFile(config, JSON.stringify({
      id: i, channel, listen: { grpc: ordererAddresses[i], metrics: `127.0.0.1:${ports[orderers + i]}` },
      replicas: ordererAddresses.map((address, id) => ({ id, address })), dataDir: `data/orderer${i}`,
      fabric: { genesisBlockFile: 'genesis.block', certFile: `keys/orderer${i}.cert.pem`, privateKeyFile: `keys/orderer${i}.key.pem` },
    }));
    ordererProcesses.push({
      label: `orderer${i}`, args: [join(ordererCliDir, 'main.js'), 'orderer', 'start', '--config', config], output: '', operations: `127.0.0.1:${ports[orderers + i]}`,
    });
  }

  const peerPorts = ports.slice(orderers * 2);
  const peerAddress = (i: number) => `127.0.0.1:${peerPorts[i * 2]}`;
  const peers: LivePeer[] = [];
  for (const [i, { mspId, peerMspDir }] of orgs.entries()) {
    const name = `peer0.${mspId.replace(/MSP$/, '').toLowerCase()}.speedledger.local`;
    const config = join(dir, `${name}.json`);
    await writeFile(config, JSON.stringify({
      name, mspId, mspDir: peerMspDir,
      listen: { grpc: peerAddress(i), operations: `127.0.0.1:${peerPorts[i * 2 + 1]}` },
      dataDir: `data/${name}`, channel: { id: channel, genesisBlock: 'genesis.block' },
      gatewayPeers: orgs.flatMap((o, j) => (j === i ? [] : [{ name: `peer0.${o.mspId.replace(/MSP$/, '').toLowerCase()}.speedledger.local`, mspId: o.mspId, address: peerAddress(j) }])),
      chaincodePackagesDir: `data/${name}/chaincodes`,
      lifecycle: { approvalPolicy: options.approvalPolicy ?? `OutOf(${Math.floor(mspIds.length / 2) + 1}, ${mspIds.map((m) => `'${m}.member'`).join(', ')})` },
      logLevel: 'info',
    }));
    peers.push({
      label: name, mspId, config, grpc: peerAddress(i), operations: `127.0.0.1:${peerPorts[i * 2 + 1]}`,
      args: [join(peerPackageDir, 'dist/cli/main.js'), 'peer', 'start', '--config', config], output: '',
    });
  }
  return {
    dir, channel, orderers: ordererProcesses, ordererAddresses, peers,
    identity(mspId, role) {
      const found = signers.get(`${mspId}/${role}`);
      if (found === undefined) throw new Error(`no ${role} of ${mspId}`);
      return found;
    },
    pem(mspId, role) {
      const found = pems.get(`${mspId}/${role}`);
      if (found === undefined) throw new Error(`no ${role} of ${mspId}`);
      return { certPem: found.certPem, privateKeyPem: found.privateKeyPem };
    },
  };
}
