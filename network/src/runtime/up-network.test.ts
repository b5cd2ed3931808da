import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePeerConfig } from '@speedledger/peer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionProfilePath, identityDir } from './network-control.js';
import { readManifest } from './manifest-store.js';
import { portSpan } from '../plan/network-plan.js';
import { freeBasePort } from './free-base-port.js';
import { upNetwork } from './up-network.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'network-up-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Generating material (keys for 4 organisations) takes seconds on a loaded machine: not a speed target.
describe('upNetwork without starting (generation and idempotency)', { timeout: 30_000 }, () => {
  it('generates once: a second call keeps the same certificates, genesis block and manifest', async () => {
    const dataDir = join(dir, 'net');
    const first = await upNetwork({ dataDir, basePort: 31_000, start: false });
    const cert = await readFile(join(identityDir(dataDir, 'inmetro', 'Admin'), 'signcerts', 'Admin@inmetro.speedledger.local-cert.pem'), 'utf8');
    const genesis = await readFile(first.genesisBlock);
    const second = await upNetwork({ dataDir, start: false });
    expect(second).toEqual(first);
    expect(await upNetwork({ dataDir, basePort: 31_000, orderers: 4, start: false })).toEqual(first);
    expect(await readFile(join(identityDir(dataDir, 'InmetroMSP', 'admin'), 'signcerts', 'Admin@inmetro.speedledger.local-cert.pem'), 'utf8')).toBe(cert);
    expect(await readFile(second.genesisBlock)).toEqual(genesis);
    expect(await readManifest(dataDir)).toEqual(first);
  });

  it('writes a manifest naming every process, file and identity', async () => {
    const manifest = await readManifest(join(dir, 'net'));
    expect(manifest.processes.map((p) => `${p.kind}:${p.name}`)).toEqual([
      'orderer:orderer0.inmetro.speedledger.local', 'orderer:orderer0.ptb.speedledger.local', 'orderer:orderer0.lasige.speedledger.local',
      'orderer:orderer0.cityoperator.speedledger.local', 'peer:peer0.inmetro.speedledger.local', 'peer:peer0.ptb.speedledger.local',
      'peer:peer0.lasige.speedledger.local', 'peer:peer0.cityoperator.speedledger.local',
    ]);
    const peer = manifest.processes.find((p) => p.name === 'peer0.inmetro.speedledger.local')!;
    expect(peer.logFile).toBe(join(dir, 'net', 'logs', 'peer0.inmetro.speedledger.local.log'));
    expect(peer.pidFile).toBe(join(dir, 'net', 'run', 'peer0.inmetro.speedledger.local.pid'));
    expect(manifest.identities.filter((i) => i.role === 'registrar').map((i) => i.name)).toEqual(['Registrar@inmetro.speedledger.local', 'Registrar@ptb.speedledger.local']);
    expect(manifest.chaincode).toMatchObject({ name: 'lr-chaincode', sequence: 1, deployed: false });
  });

  it('writes the peer config in the fixed shape, paths relative to the data directory', async () => {
    const config = JSON.parse(await readFile(join(dir, 'net', 'peer0.inmetro.speedledger.local.json'), 'utf8'));
    expect(config).toEqual({
      name: 'peer0.inmetro.speedledger.local', mspId: 'InmetroMSP',
      mspDir: 'organizations/inmetro/peers/peer0.inmetro.speedledger.local/msp',
      listen: { grpc: '127.0.0.1:31001', operations: '127.0.0.1:31003' },
      dataDir: 'data/peer0.inmetro',
      channel: { id: 'speedledger', genesisBlock: 'channel/genesis.block' },
      orderers: ['127.0.0.1:31000', '127.0.0.1:31010', '127.0.0.1:31020', '127.0.0.1:31030'],
      gatewayPeers: [
        { name: 'peer0.ptb.speedledger.local', mspId: 'PTBMSP', address: '127.0.0.1:31011' },
        { name: 'peer0.lasige.speedledger.local', mspId: 'LaSIGEMSP', address: '127.0.0.1:31021' },
        { name: 'peer0.cityoperator.speedledger.local', mspId: 'CityOperatorMSP', address: '127.0.0.1:31031' },
      ],
      chaincodePackagesDir: 'data/peer0.inmetro/chaincodes',
      lifecycle: { approvalPolicy: "AND('InmetroMSP.member', OutOf(3, 'InmetroMSP.member', 'PTBMSP.member', 'LaSIGEMSP.member', 'CityOperatorMSP.member'))" },
      logLevel: 'info',
    });
    // The peer's own strict loader accepts it: the two packages agree on the file, not only on a type.
    expect(parsePeerConfig(config, join(dir, 'net')).mspDir).toBe(join(dir, 'net', config.mspDir));
  });

  it('writes a connection profile per organisation listing every peer, only its own as event source', async () => {
    const profile = JSON.parse(await readFile(connectionProfilePath(join(dir, 'net'), 'ptb'), 'utf8'));
    expect(profile.client.organization).toBe('PTBMSP');
    expect(Object.keys(profile.peers)).toHaveLength(4);
    expect(profile.peers['peer0.ptb.speedledger.local'].url).toBe('grpc://127.0.0.1:31011');
    const roles = profile.channels.speedledger.peers;
    expect(Object.entries(roles).filter(([, r]) => (r as { eventSource: boolean }).eventSource).map(([name]) => name)).toEqual(['peer0.ptb.speedledger.local']);
    expect(Object.values(roles).every((r) => (r as { endorsingPeer: boolean }).endorsingPeer)).toBe(true);
    expect(profile.organizations.PTBMSP.peers).toEqual(['peer0.ptb.speedledger.local']);
    expect(Object.keys(profile.orderers)).toHaveLength(4);
  });

  it('refuses unknown organisations and users', () => {
    expect(() => connectionProfilePath(dir, 'acme')).toThrow(expect.objectContaining({ code: 'UNKNOWN_ORG' }));
    expect(() => identityDir(dir, 'lasige', 'Registrar')).toThrow(expect.objectContaining({ code: 'UNKNOWN_IDENTITY' }));
    expect(() => identityDir(dir, 'ptb', 'Mallory')).toThrow(expect.objectContaining({ code: 'UNKNOWN_IDENTITY' }));
  });

  it('refuses a directory holding material without a manifest, and bad options, before writing anything', async () => {
    const partial = join(dir, 'partial');
    await upNetwork({ dataDir: partial, basePort: 32_000, start: false });
    await rm(join(partial, 'network.json'));
    await expect(upNetwork({ dataDir: partial, start: false })).rejects.toMatchObject({ code: 'MATERIAL_FAILED' });
    await expect(upNetwork({ dataDir: join(dir, 'bad'), orderers: 5, start: false })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });

  it('reports a missing or foreign manifest with typed errors', async () => {
    await expect(readManifest(join(dir, 'nowhere'))).rejects.toMatchObject({ code: 'MANIFEST_MISSING' });
    const foreign = join(dir, 'foreign');
    await upNetwork({ dataDir: foreign, basePort: 33_000, start: false });
    await writeFile(join(foreign, 'network.json'), '{"format":"other"}');
    await expect(readManifest(foreign)).rejects.toMatchObject({ code: 'MANIFEST_INVALID' });
    await writeFile(join(foreign, 'network.json'), 'not json');
    await expect(readManifest(foreign)).rejects.toMatchObject({ code: 'MANIFEST_INVALID' });
  });

  it('refuses options an existing network cannot take (another --base-port or --orderers), naming them, instead of ignoring them', async () => {
    const dataDir = join(dir, 'net');
    const attempt = upNetwork({ dataDir, basePort: 42_000, orderers: 7, start: false });
    await expect(attempt).rejects.toMatchObject({ code: 'OPTION_NOT_APPLICABLE' });
    await expect(attempt).rejects.toThrow(/--base-port 42000 \(it uses base port 31000\) and --orderers 7 \(it has 4\) cannot apply/);
    await expect(upNetwork({ dataDir, basePort: 'auto', start: false })).rejects.toMatchObject({ code: 'OPTION_NOT_APPLICABLE' });
  });

  it('refuses to start on busy ports, naming port, member and holder, before generating, spawning or sending anything', async () => {
    const base = await freeBasePort(portSpan(4));
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(base + 3, '127.0.0.1', resolve));
    try {
      const dataDir = join(dir, 'busy');
      const attempt = upNetwork({ dataDir, basePort: base, healthTimeoutMs: 1000 });
      await expect(attempt).rejects.toMatchObject({ code: 'PORTS_BUSY' });
      await expect(attempt).rejects.toThrow(`127.0.0.1:${base + 3} (operations of peer0.inmetro.speedledger.local) is held by pid ${process.pid}`);
      await expect(access(dataDir)).rejects.toThrow();
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('refuses busy ports on restart of an existing network too', async () => {
    const base = await freeBasePort(portSpan(4));
    const dataDir = join(dir, 'busy-restart');
    await upNetwork({ dataDir, basePort: base, start: false });
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(base, '127.0.0.1', resolve));
    try {
      await expect(upNetwork({ dataDir, healthTimeoutMs: 1000 })).rejects.toMatchObject({ code: 'PORTS_BUSY' });
      const manifest = await readManifest(dataDir);
      for (const member of manifest.processes) await expect(access(member.pidFile)).rejects.toThrow();
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('--base-port auto picks a block of free ports for a new network', async () => {
    const manifest = await upNetwork({ dataDir: join(dir, 'auto'), basePort: 'auto', start: false });
    expect(manifest.basePort).not.toBe(7050);
    expect(manifest.processes[0]!.address).toBe(`127.0.0.1:${manifest.basePort}`);
  });
});
