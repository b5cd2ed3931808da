import { common, msp } from '@hyperledger/fabric-protos';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockDataHash } from './block-hash.js';
import { decodeBlockMetadataEntry } from './block-metadata.js';
import { readChannelConfig } from './channel-config.js';
import { CONFIG_KEYS } from './config-values.js';
import { createGenesisBlock } from './genesis-block.js';
import { testChannelSpec } from './test-support/channel.js';
import { testNetwork, type TestNetwork } from './test-support/fixtures.js';
import { validateEnvelope } from './validate-envelope.js';
import { makeEnvelope } from './test-support/fixtures.js';

let net: TestNetwork;

beforeAll(async () => {
  net = await testNetwork(4);
});

function configGroupOf(block: common.Block): common.ConfigGroup {
  const envelope = common.Envelope.deserializeBinary(block.getData()!.getDataList_asU8()[0]!);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  return common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig()!.getChannelGroup()!;
}

describe('createGenesisBlock / readChannelConfig', () => {
  it('round-trips the channel spec through a serialised config block', () => {
    const spec = testChannelSpec(net);
    const block = common.Block.deserializeBinary(createGenesisBlock(spec).serializeBinary());
    const config = readChannelConfig(block);
    expect(config.channelId).toBe('speedledger');
    expect(config.configBlockNumber).toBe(0);
    expect(config.consensusType).toBe('BFT');
    expect(config.capabilities).toEqual(['V3_0']);
    expect(config.hashingAlgorithm).toBe('SHA256');
    expect(config.quorum).toBe(3);
    expect(config.batch).toEqual({ maxMessageCount: 10, absoluteMaxBytes: 10 * 1024 * 1024, preferredMaxBytes: 2 * 1024 * 1024, timeout: '500ms', timeoutMs: 500 });
    expect(config.consenters).toEqual(spec.consenters);
    expect(config.organizations).toEqual([{
      mspId: 'Org1MSP', rootCertsPem: [net.clientOrg.ca.certPem], adminCertsPem: [], tlsRootCertsPem: [],
      nodeOus: { client: 'client', peer: 'peer', admin: 'admin', orderer: 'orderer' }, readerRoles: ['admin', 'peer', 'client'], writerRoles: ['admin', 'client'],
    }]);
    expect(config.ordererOrganizations).toEqual([{
      mspId: 'OrdererMSP', rootCertsPem: [net.ordererOrg.ca.certPem], endpoints: spec.consenters.map((c) => `${c.host}:${c.port}`),
    }]);
  });

  it('is a Fabric config block: number 0, data hash, one CONFIG envelope, last config 0', () => {
    const block = createGenesisBlock(testChannelSpec(net));
    expect(block.getHeader()!.getNumber()).toBe(0);
    expect(block.getHeader()!.getPreviousHash_asU8()).toHaveLength(0);
    expect(block.getHeader()!.getDataHash_asU8()).toEqual(blockDataHash(block.getData()!));
    const metadata = block.getMetadata()!.getMetadataList_asU8();
    expect(metadata).toHaveLength(5);
    const signatures = decodeBlockMetadataEntry(metadata[0]!)!;
    expect(common.OrdererBlockMetadata.deserializeBinary(signatures.value).getLastConfig()!.getIndex()).toBe(0);
    const group = configGroupOf(block);
    expect([...group.getGroupsMap().keys()].sort()).toEqual(['Application', 'Orderer']);
    expect([...group.getValuesMap().keys()].sort()).toEqual(['BlockDataHashingStructure', 'Capabilities', 'HashingAlgorithm']);
    const ordererGroup = group.getGroupsMap().get(CONFIG_KEYS.ordererGroup)!;
    expect([...ordererGroup.getPoliciesMap().keys()].sort()).toEqual(['Admins', 'BlockValidation', 'Readers', 'Writers']);
    const validation = common.SignaturePolicyEnvelope.deserializeBinary(
      ordererGroup.getPoliciesMap().get('BlockValidation')!.getPolicy()!.getValue_asU8(),
    );
    expect(validation.getRule()!.getNOutOf()!.getN()).toBe(3);
    expect(validation.getIdentitiesList()).toHaveLength(4);
  });

  it('is deterministic: the same spec gives the same bytes', () => {
    expect(createGenesisBlock(testChannelSpec(net)).serializeBinary()).toEqual(createGenesisBlock(testChannelSpec(net)).serializeBinary());
    expect(createGenesisBlock(testChannelSpec(net, 'other')).serializeBinary()).not.toEqual(createGenesisBlock(testChannelSpec(net)).serializeBinary());
  });

  it('gives envelope validation what it needs', () => {
    const config = readChannelConfig(createGenesisBlock(testChannelSpec(net)));
    expect(validateEnvelope(makeEnvelope(net.client), config, { maxBytes: config.batch.absoluteMaxBytes })).toMatchObject({ ok: true });
    // Orderer identities are not application members.
    expect(validateEnvelope(makeEnvelope(net.orderers[0]!), config, { maxBytes: 1e6 })).toMatchObject({ ok: false, code: 'UNKNOWN_ORG' });
  });

  const badSpecs: Array<[string, (spec: ReturnType<typeof testChannelSpec>) => object]> = [
    ['a bad channel id', (s) => ({ ...s, channelId: 'Bad Channel' })],
    ['duplicate consenter ids', (s) => ({ ...s, consenters: [s.consenters[0], { ...s.consenters[1]!, id: s.consenters[0]!.id }] })],
    ['a consenter outside the orderer organisations', (s) => ({ ...s, consenters: [{ ...s.consenters[0]!, mspId: 'Org1MSP' }] })],
    ['no consenters', (s) => ({ ...s, consenters: [] })],
    ['a non-CA root', (s) => ({ ...s, organizations: [{ mspId: 'Org1MSP', rootCertsPem: [net.client.certPem] }] })],
    ['an unparsable batch timeout', (s) => ({ ...s, batch: { timeout: 'soon' } })],
    ['preferred above absolute max bytes', (s) => ({ ...s, batch: { absoluteMaxBytes: 10, preferredMaxBytes: 20 } })],
    ['an empty Writers role list', (s) => ({ ...s, application: { writerRoles: [] } })],
    ['a lifecycle policy that is not a SignaturePolicyEnvelope', (s) => ({ ...s, application: { lifecycleEndorsement: Uint8Array.of(0xff, 0xff, 0xff) } })],
  ];
  for (const [name, spoil] of badSpecs) {
    it(`refuses ${name} with INVALID_CHANNEL_SPEC`, () => {
      expect(() => createGenesisBlock(spoil(testChannelSpec(net)) as ReturnType<typeof testChannelSpec>))
        .toThrow(expect.objectContaining({ code: 'INVALID_CHANNEL_SPEC' }));
    });
  }

  function applicationPolicy(block: common.Block, path: readonly string[], key: string): common.Policy {
    let group = configGroupOf(block).getGroupsMap().get(CONFIG_KEYS.applicationGroup)!;
    for (const name of path) group = group.getGroupsMap().get(name)!;
    return group.getPoliciesMap().get(key)!.getPolicy()!;
  }

  function roleEnvelope(mspIds: readonly string[], n: number): Uint8Array {
    const envelope = new common.SignaturePolicyEnvelope();
    const rule = new common.SignaturePolicy();
    const outOf = new common.SignaturePolicy.NOutOf();
    outOf.setN(n);
    outOf.setRulesList(mspIds.map((_, i) => {
      const signedBy = new common.SignaturePolicy();
      signedBy.setSignedBy(i);
      return signedBy;
    }));
    rule.setNOutOf(outOf);
    envelope.setRule(rule);
    envelope.setIdentitiesList(mspIds.map((mspId) => {
      const role = new msp.MSPRole();
      role.setMspIdentifier(mspId);
      role.setRole(msp.MSPRole.MSPRoleType.PEER);
      const principal = new msp.MSPPrincipal();
      principal.setPrincipal(role.serializeBinary());
      return principal;
    }));
    return envelope.serializeBinary();
  }

  it('keeps the ImplicitMeta application defaults when no policies are given', () => {
    const block = createGenesisBlock(testChannelSpec(net));
    for (const key of [CONFIG_KEYS.lifecycleEndorsement, CONFIG_KEYS.endorsement]) {
      const policy = applicationPolicy(block, [], key);
      expect(policy.getType()).toBe(common.Policy.PolicyType.IMPLICIT_META);
      const meta = common.ImplicitMetaPolicy.deserializeBinary(policy.getValue_asU8());
      expect([meta.getRule(), meta.getSubPolicy()]).toEqual([common.ImplicitMetaPolicy.Rule.MAJORITY, 'Endorsement']);
    }
    const writers = common.SignaturePolicyEnvelope.deserializeBinary(applicationPolicy(block, ['Org1MSP'], 'Writers').getValue_asU8());
    expect(writers.getIdentitiesList().map((p) => msp.MSPRole.deserializeBinary(p.getPrincipal_asU8()).getRole()))
      .toEqual([msp.MSPRole.MSPRoleType.ADMIN, msp.MSPRole.MSPRoleType.CLIENT]);
  });

  it('sets given application signature policies and Writers roles, and nothing else changes', () => {
    const lifecycle = roleEnvelope(['Org1MSP'], 1);
    const endorsement = roleEnvelope(['Org1MSP', 'Org1MSP'], 2);
    const spec = { ...testChannelSpec(net), application: { lifecycleEndorsement: lifecycle, endorsement, writerRoles: ['admin', 'client', 'peer'] as const } };
    const block = common.Block.deserializeBinary(createGenesisBlock(spec).serializeBinary());
    const lifecyclePolicy = applicationPolicy(block, [], CONFIG_KEYS.lifecycleEndorsement);
    expect(lifecyclePolicy.getType()).toBe(common.Policy.PolicyType.SIGNATURE);
    expect(lifecyclePolicy.getValue_asU8()).toEqual(lifecycle);
    expect(applicationPolicy(block, [], CONFIG_KEYS.endorsement).getValue_asU8()).toEqual(endorsement);
    const writers = common.SignaturePolicyEnvelope.deserializeBinary(applicationPolicy(block, ['Org1MSP'], 'Writers').getValue_asU8());
    expect(writers.getIdentitiesList().map((p) => msp.MSPRole.deserializeBinary(p.getPrincipal_asU8()).getRole()))
      .toEqual([msp.MSPRole.MSPRoleType.ADMIN, msp.MSPRole.MSPRoleType.CLIENT, msp.MSPRole.MSPRoleType.PEER]);
    expect(writers.getRule()!.getNOutOf()!.getN()).toBe(1);
    const defaults = readChannelConfig(createGenesisBlock(testChannelSpec(net)));
    // Only the Writers roles differ from the defaults.
    expect(readChannelConfig(block)).toEqual({ ...defaults, organizations: defaults.organizations.map((o) => ({ ...o, writerRoles: ['admin', 'client', 'peer'] })) });
  });

  it('readChannelConfig refuses a block that is not a config block', () => {
    const block = new common.Block();
    const data = new common.BlockData();
    data.setDataList([makeEnvelope(net.client)]);
    block.setData(data);
    expect(() => readChannelConfig(block)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG_BLOCK' }));
    expect(() => readChannelConfig(new common.Block())).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG_BLOCK' }));
  });
});
