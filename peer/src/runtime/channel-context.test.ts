import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trustNetwork } from '../channel/test-support/trust-network.js';
import { loadChannelContext } from './channel-context.js';
import { parsePeerConfig } from './peer-config.js';

async function configWith(overrides: Record<string, unknown>, genesis?: Uint8Array) {
  const dir = await mkdtemp(join(tmpdir(), 'channel-context-'));
  if (genesis !== undefined) await writeFile(join(dir, 'genesis.block'), genesis);
  return parsePeerConfig({
    name: 'peer0', mspId: 'InmetroMSP', mspDir: 'msp', listen: { grpc: '127.0.0.1:0', operations: '127.0.0.1:0' }, dataDir: 'data',
    channel: { id: 'speedledger', genesisBlock: 'genesis.block' }, chaincodePackagesDir: 'cc',
    lifecycle: { approvalPolicy: "AND('InmetroMSP.member', OutOf(3, 'InmetroMSP.member', 'PTBMSP.member', 'LaSIGEMSP.member', 'CityOperatorMSP.member'))" },
    ...overrides,
  }, dir);
}

describe('channel context', () => {
  it('reads the genesis block, takes orderers from the consenters when not configured', async () => {
    const network = await trustNetwork();
    const context = await loadChannelContext(await configWith({}, network.genesis.serializeBinary()));
    expect(context.config.channelId).toBe('speedledger');
    expect(context.orderers).toEqual(['127.0.0.1:7050']);
    expect(context.lifecycle.name).toBe('_lifecycle');
    const configured = await loadChannelContext(await configWith({ orderers: ['10.0.0.1:7050'] }, network.genesis.serializeBinary()));
    expect(configured.orderers).toEqual(['10.0.0.1:7050']);
  });

  it('refuses a missing or foreign genesis block, an unknown organisation and an unusable approval rule', async () => {
    const genesis = (await trustNetwork()).genesis.serializeBinary();
    await expect(loadChannelContext(await configWith({}))).rejects.toMatchObject({ code: 'INVALID_MATERIAL' });
    await expect(loadChannelContext(await configWith({}, new Uint8Array([1, 2, 3])))).rejects.toMatchObject({ code: 'INVALID_MATERIAL' });
    await expect(loadChannelContext(await configWith({ channel: { id: 'other', genesisBlock: 'genesis.block' } }, genesis))).rejects.toThrow(/channel 'speedledger'/);
    await expect(loadChannelContext(await configWith({ mspId: 'NopeMSP' }, genesis))).rejects.toThrow(/NopeMSP is not an application organisation/);
    await expect(loadChannelContext(await configWith({ lifecycle: { approvalPolicy: 'AND(' } }, genesis))).rejects.toMatchObject({ code: 'INVALID_PEER_CONFIG' });
    // The default genesis carries an ImplicitMeta LifecycleEndorsement: the rule must then be configured.
    await expect(loadChannelContext(await configWith({ lifecycle: undefined }, genesis))).rejects.toThrow(/approvalPolicy is required/);
  });
});
