import { common } from '@hyperledger/fabric-protos';
import { beforeAll, describe, expect, it } from 'vitest';
import { isIdentityFailure } from '../msp/index.js';
import { channelMspManager } from './channel-msp.js';
import { ChannelError } from './channel-error.js';
import { parseChannelPolicy } from './channel-policy.js';
import { readPeerChannelConfig, type PeerChannelConfig } from './peer-channel-config.js';
import { APP_MSPS, TRUST_CHANNEL, trustNetwork, type TrustNetwork } from './test-support/trust-network.js';

let network: TrustNetwork;
let config: PeerChannelConfig;

beforeAll(async () => {
  network = await trustNetwork();
  config = readPeerChannelConfig(network.genesis);
});

describe('readPeerChannelConfig', () => {
  it('reads the channel, its organisations, consenters and endpoints', () => {
    expect(config.channelId).toBe(TRUST_CHANNEL);
    expect(config.organizations.map((o) => o.mspId).sort()).toEqual([...APP_MSPS].sort());
    expect(config.organizations.find((o) => o.mspId === 'PTBMSP')!.rootCertsPem).toEqual([network.orgs.get('PTBMSP')!.ca.certPem]);
    expect(config.ordererOrganizations.map((o) => o.mspId)).toEqual(['OrdererMSP']);
    expect(config.ordererOrganizations[0]!.endpoints).toEqual(['127.0.0.1:7050']);
    expect(config.consenters.map((c) => c.id)).toEqual([1]);
  });

  it('reads the Application policies by path, with their kinds', () => {
    const endorsement = config.policies.get('/Channel/Application/Endorsement');
    expect(endorsement).toMatchObject({ kind: 'implicit-meta', rule: 'MAJORITY', subPolicy: 'Endorsement' });
    expect(config.policies.get('/Channel/Application/LifecycleEndorsement')).toMatchObject({ kind: 'implicit-meta', rule: 'MAJORITY' });
    for (const name of ['Readers', 'Writers', 'Admins']) {
      expect(config.policies.get(`/Channel/Application/${name}`)?.kind).toBe('implicit-meta');
    }
    for (const mspId of APP_MSPS) {
      const group = config.applicationGroupByMsp.get(mspId);
      expect(group).toBe(`/Channel/Application/${mspId}`);
      for (const name of ['Endorsement', 'Readers', 'Writers', 'Admins']) {
        const policy = config.policies.get(`${group}/${name}`);
        expect(policy?.kind).toBe('signature');
        if (policy?.kind !== 'signature') continue;
        const principals = policy.envelope.getIdentitiesList();
        expect(principals.length).toBeGreaterThan(0);
      }
    }
    expect(config.policies.get('/Channel/Orderer/BlockValidation')?.kind).toBe('signature');
    expect(config.groups.get('/Channel/Application')?.slice().sort()).toEqual([...APP_MSPS].sort());
    expect(config.groups.get('/Channel')?.slice().sort()).toEqual(['Application', 'Orderer']);
  });

  it('gives an MSP manager that accepts every org member and refuses strangers', async () => {
    const manager = channelMspManager(config);
    for (const mspId of APP_MSPS) {
      const identity = manager.deserialize(network.signer(mspId, 'peer').serialized);
      expect(isIdentityFailure(identity)).toBe(false);
    }
    expect(isIdentityFailure(manager.deserialize(network.signer('OrdererMSP', 'orderer').serialized))).toBe(false);
    expect(manager.mspIds).toContain('OrdererMSP');
  });

  it('refuses a block that is not a config block with INVALID_CONFIG_BLOCK', () => {
    const block = new common.Block();
    block.setHeader(new common.BlockHeader());
    const data = new common.BlockData();
    data.setDataList([new Uint8Array([1, 2, 3])]);
    block.setData(data);
    expect(() => readPeerChannelConfig(block)).toThrow(ChannelError);
    try {
      readPeerChannelConfig(block);
    } catch (error) {
      expect((error as ChannelError).code).toBe('INVALID_CONFIG_BLOCK');
      expect((error as ChannelError).cause).toBeDefined();
    }
  });
});

describe('parseChannelPolicy', () => {
  it.each([
    ['UNKNOWN type', common.Policy.PolicyType.UNKNOWN, new Uint8Array()],
    ['MSP type', common.Policy.PolicyType.MSP, new Uint8Array()],
    ['garbage signature value', common.Policy.PolicyType.SIGNATURE, new Uint8Array([0xff, 0xff])],
    ['garbage implicit-meta value', common.Policy.PolicyType.IMPLICIT_META, new Uint8Array([0xff, 0xff])],
    ['implicit-meta without sub-policy', common.Policy.PolicyType.IMPLICIT_META, new common.ImplicitMetaPolicy().serializeBinary()],
  ])('refuses %s with INVALID_CONFIG_BLOCK naming the path', (_name, type, value) => {
    const policy = new common.Policy();
    policy.setType(type);
    policy.setValue(value);
    try {
      parseChannelPolicy(policy, '/Channel/X');
      expect.unreachable();
    } catch (error) {
      expect((error as ChannelError).code).toBe('INVALID_CONFIG_BLOCK');
      expect((error as ChannelError).ids).toEqual({ path: '/Channel/X' });
    }
  });
});
