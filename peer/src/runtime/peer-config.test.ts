import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPeerConfig, parsePeerConfig } from './peer-config.js';

const EXAMPLE = {
  name: 'peer0.inmetro.speedledger.local', mspId: 'InmetroMSP',
  mspDir: 'organizations/inmetro/peers/peer0.inmetro.speedledger.local/msp',
  listen: { grpc: '127.0.0.1:7051', operations: '127.0.0.1:9451' },
  dataDir: 'data/peer0.inmetro',
  channel: { id: 'speedledger', genesisBlock: 'channel/genesis.block' },
  orderers: ['127.0.0.1:7050'],
  gatewayPeers: [{ name: 'peer0.ptb.speedledger.local', mspId: 'PTBMSP', address: '127.0.0.1:7151' }],
  chaincodePackagesDir: 'data/peer0.inmetro/chaincodes',
  lifecycle: { approvalPolicy: "AND('InmetroMSP.member', OutOf(3, 'InmetroMSP.member', 'PTBMSP.member', 'LaSIGEMSP.member', 'CityOperatorMSP.member'))" },
  logLevel: 'info',
};

describe('peer config', () => {
  it('accepts the documented shape and resolves paths against the file directory', () => {
    const config = parsePeerConfig(EXAMPLE, '/net');
    expect(config).toMatchObject({ mspDir: '/net/organizations/inmetro/peers/peer0.inmetro.speedledger.local/msp', dataDir: '/net/data/peer0.inmetro' });
    expect(config.channel).toEqual({ id: 'speedledger', genesisBlock: '/net/channel/genesis.block' });
    expect(config.gatewayPeers).toEqual(EXAMPLE.gatewayPeers);
  });

  it('treats orderers, gatewayPeers, lifecycle and logLevel as optional', () => {
    const { orderers: _o, gatewayPeers: _g, lifecycle: _l, logLevel: _v, ...minimal } = EXAMPLE;
    const config = parsePeerConfig(minimal, '/net');
    expect([config.orderers, config.gatewayPeers, config.lifecycle, config.logLevel]).toEqual([undefined, [], undefined, 'info']);
  });

  it('names the offending field of each bad input', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ extra: 1 }, 'config.extra is not a known field'],
      [{ name: 'a/b' }, 'config.name must be'],
      [{ mspId: '' }, 'config.mspId must be'],
      [{ listen: { grpc: '127.0.0.1' , operations: '127.0.0.1:1' } }, 'config.listen.grpc must be host:port'],
      [{ listen: { grpc: '127.0.0.1:1' } }, 'config.listen.operations must be host:port'],
      [{ channel: { id: 'Speed', genesisBlock: 'g' } }, 'config.channel.id must be'],
      [{ orderers: [] }, 'config.orderers must be a non-empty array'],
      [{ orderers: ['nope'] }, 'config.orderers[0] must be host:port'],
      [{ gatewayPeers: [{ name: 'p', mspId: 'M', address: 'x:1', tls: true }] }, 'config.gatewayPeers[0].tls is not a known field'],
      [{ lifecycle: { approvalPolicy: 3 } }, 'config.lifecycle.approvalPolicy must be'],
      [{ logLevel: 'loud' }, 'config.logLevel must be one of'],
      [{ chaincodePackagesDir: undefined }, 'config.chaincodePackagesDir must be a path'],
    ];
    for (const [overrides, message] of cases) {
      expect(() => parsePeerConfig({ ...EXAMPLE, ...overrides }, '/net')).toThrow(message);
    }
    expect(() => parsePeerConfig([], '/net')).toThrow('config.(root) must be an object');
  });

  it('reports unreadable and non-JSON files with the INVALID_PEER_CONFIG code', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'peer-config-'));
    await expect(loadPeerConfig(join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'INVALID_PEER_CONFIG' });
    await writeFile(join(dir, 'bad.json'), '{');
    await expect(loadPeerConfig(join(dir, 'bad.json'))).rejects.toMatchObject({ code: 'INVALID_PEER_CONFIG', message: expect.stringContaining('not JSON') });
    await writeFile(join(dir, 'ok.json'), JSON.stringify(EXAMPLE));
    expect((await loadPeerConfig(join(dir, 'ok.json'))).dataDir).toBe(join(dir, 'data/peer0.inmetro'));
  });
});
