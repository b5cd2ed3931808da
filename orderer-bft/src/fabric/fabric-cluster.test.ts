import { common } from '@hyperledger/fabric-protos';
import { beforeAll, describe, expect, it } from 'vitest';
import { quorumSize } from '../core/config.js';
import type { ReplicaDependencies } from '../core/dependencies.js';
import { TestCluster } from '../core/test-support/cluster.js';
import { blockHeaderHash } from './block-hash.js';
import { decisionToBlock } from './decision-to-block.js';
import { createEnvelopeInspector } from './envelope-inspector.js';
import { createFabricAssembler, proposalHeaderOf } from './fabric-assembler.js';
import { readChannelConfig, type ChannelConfig } from './channel-config.js';
import { createGenesisBlock } from './genesis-block.js';
import { testChannelSpec } from './test-support/channel.js';
import { createFabricSigner, type FabricSigner } from './fabric-signer.js';
import { createFabricVerifier } from './fabric-verifier.js';
import { sha256Hasher } from './sha256-hasher.js';
import { makeEnvelope, testNetwork, type TestNetwork } from './test-support/fixtures.js';
import { verifyBlock } from './verify-block.js';

let net: TestNetwork;
let signers: FabricSigner[];
let genesis: common.Block;
let config: ChannelConfig;

/** The core's test cluster, wired with the Fabric layer instead of the simulator's stand-ins. */
class FabricCluster extends TestCluster {
  override deps(id: number): ReplicaDependencies {
    return {
      signer: signers[id]!,
      verifier: createFabricVerifier(config.consenters),
      assembler: createFabricAssembler(),
      inspector: createEnvelopeInspector({ channel: config, maxBytes: config.batch.absoluteMaxBytes }),
      hasher: sha256Hasher,
      genesisHeader: proposalHeaderOf(genesis),
    };
  }
}

beforeAll(async () => {
  net = await testNetwork(4);
  signers = net.orderers.map((o, i) => createFabricSigner({ consenterId: i + 1, mspId: o.mspId, certPem: o.certPem, privateKeyPem: o.privateKeyPem }));
  genesis = common.Block.deserializeBinary(createGenesisBlock(testChannelSpec(net)).serializeBinary());
  config = readChannelConfig(genesis);
});

describe('PBFT core with the Fabric layer', () => {
  it('4 replicas, configured from a genesis block, order 20 envelopes into a chain of blocks that each verify with a 2f+1 quorum', () => {
    const cluster = new FabricCluster(4, { batchMaxCount: 3 });
    const envelopes = Array.from({ length: 20 }, () => makeEnvelope(net.client));
    for (const envelope of envelopes) expect(cluster.submitAll(envelope)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    cluster.advance(2_000);

    const heights = cluster.heights();
    expect(new Set(heights).size).toBe(1);
    expect(heights[0]).toBeGreaterThanOrEqual(7);
    const ordered: Uint8Array[] = [];
    let previous = blockHeaderHash(genesis.getHeader()!);
    for (const decision of cluster.ledgers[1]!) {
      const block = common.Block.deserializeBinary(decisionToBlock(decision).serializeBinary());
      const result = verifyBlock(block, { previousHeaderHash: previous, consenters: config.consenters, quorum: config.quorum });
      expect(config.quorum).toBe(quorumSize({ n: 4 }));
      expect(result).toMatchObject({ ok: true, number: decision.seq });
      previous = blockHeaderHash(block.getHeader()!);
      ordered.push(...block.getData()!.getDataList_asU8());
    }
    expect(ordered.map((e) => Buffer.from(e).toString('hex')).sort()).toEqual(envelopes.map((e) => Buffer.from(e).toString('hex')).sort());
    // Every replica decided the same blocks.
    for (const ledger of cluster.ledgers) expect(ledger.map((d) => d.digest)).toEqual(cluster.ledgers[0]!.map((d) => d.digest));
  });

  it('refuses a forged envelope at admission', () => {
    const cluster = new FabricCluster(4);
    const forged = makeEnvelope(net.client, { signer: net.orderers[0]! });
    expect(cluster.submit(0, forged)).toBe('invalid');
  });
});
