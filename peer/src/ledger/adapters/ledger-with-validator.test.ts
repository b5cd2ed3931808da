import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { common, peer } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelMspManager, readPeerChannelConfig } from '../../channel/index.js';
import { TRUST_CHANNEL, trustNetwork, type TrustNetwork } from '../../channel/test-support/trust-network.js';
import { applicationPolicyFromDsl, createChannelPolicyEvaluator } from '../../policy/index.js';
import type { ValidationContext } from '../../validation/index.js';
import { validateBlock } from '../../validation/index.js';
import { buildEndorserTransaction, type EndorserTxSpec } from '../../validation/test-support/endorser-transaction-builder.js';
import { configBlockValidation, transactionsFilterOf } from '../stored-block-validation.js';
import { makeBlock } from '../test-support/ledger-blocks.js';
import { PeerLedger } from './peer-ledger.js';

/*
 * The ledger fed by the real validator (P1's validateBlock) over the ledger's own state and tx
 * index: the codes it stores are Fabric's, and the state rebuilt from the stored blocks equals
 * the state the validator's writes produced.
 */
const C = peer.TxValidationCode;
const CC = 'lr-chaincode';
const CC_POLICY = { kind: 'application' as const, policy: applicationPolicyFromDsl("OutOf(2, 'InmetroMSP.peer', 'PTBMSP.peer', 'LaSIGEMSP.peer')").serializeBinary() };

let network: TrustNetwork;
let ledger: PeerLedger;
let dir: string;
let context: ValidationContext;

beforeAll(async () => {
  network = await trustNetwork();
  const config = readPeerChannelConfig(network.genesis);
  const manager = channelMspManager(config);
  dir = await mkdtemp(join(tmpdir(), 'peer-ledger-validator-'));
  ledger = await PeerLedger.open(dir, { channelId: TRUST_CHANNEL });
  await ledger.commit(network.genesis, configBlockValidation(network.genesis));
  context = {
    channelId: TRUST_CHANNEL,
    deserialize: (bytes) => manager.deserialize(bytes),
    state: ledger.state,
    txIdCommitted: (txId) => ledger.txIdCommitted(txId),
    namespacePolicy: async (namespace) => (namespace === CC ? CC_POLICY : { kind: 'undefined' }),
    evaluateChannelPolicy: createChannelPolicyEvaluator(config),
  };
}, 60_000);

afterAll(async () => {
  await ledger?.close();
  await rm(dir, { recursive: true, force: true });
});

function tx(spec: Partial<EndorserTxSpec>): { envelope: Uint8Array; txId: string } {
  return buildEndorserTransaction({
    channelId: TRUST_CHANNEL, creator: network.signer('CityOperatorMSP', 'client'), chaincode: CC,
    namespaces: [], endorsers: [network.signer('InmetroMSP', 'peer'), network.signer('PTBMSP', 'peer')], ...spec,
  });
}

async function commitValidated(envelopes: readonly Uint8Array[]): Promise<number[]> {
  const last = (await ledger.blockByNumber(ledger.height() - 1))!;
  const block = common.Block.deserializeBinary(makeBlock(ledger.height(), last, envelopes).serializeBinary());
  await ledger.commit(block, await validateBlock(block, context));
  return [...transactionsFilterOf((await ledger.blockByNumber(block.getHeader()!.getNumber()))!)];
}

async function dump(): Promise<unknown> {
  const state = [];
  for await (const e of ledger.state.range(CC, '', '')) state.push([e.key, Buffer.from(e.value).toString(), e.version, [...e.metadata.keys()]]);
  const history = [];
  for (const key of ['meter-1', 'reading-1']) for await (const h of ledger.history.history(CC, key)) history.push({ ...h, value: Buffer.from(h.value).toString() });
  const events = [];
  for await (const e of ledger.chaincodeEvents(CC, 0)) events.push({ ...e, payload: Buffer.from(e.payload).toString() });
  return { state, history, events };
}

describe('PeerLedger fed by validateBlock', () => {
  it('stores Fabric codes (VALID, MVCC conflict, duplicate) and rebuilds the same state from its blocks', async () => {
    const first = tx({ namespaces: [{ namespace: CC, writes: [{ key: 'meter-1', value: 'registered' }, { key: 'reading-1', value: 'r1' }] }], event: { name: 'MeterRegistered', payload: 'm1' } });
    expect(await commitValidated([first.envelope])).toEqual([C.VALID]);
    expect(await ledger.txValidation(first.txId)).toEqual({ blockNum: 1, txNum: 0, code: C.VALID });

    const readsCurrent = tx({ namespaces: [{ namespace: CC, reads: [{ key: 'meter-1', version: { blockNum: 1, txNum: 0 } }], writes: [{ key: 'reading-1', value: 'r2' }] }] });
    const readsStale = tx({ namespaces: [{ namespace: CC, reads: [{ key: 'meter-1' }], writes: [{ key: 'reading-1', value: 'lost' }] }] });
    const deletes = tx({ namespaces: [{ namespace: CC, writes: [{ key: 'meter-1', value: null }] }] });
    expect(await commitValidated([readsCurrent.envelope, readsStale.envelope, first.envelope, deletes.envelope]))
      .toEqual([C.VALID, C.MVCC_READ_CONFLICT, C.DUPLICATE_TXID, C.VALID]);
    expect(Buffer.from((await ledger.state.get(CC, 'reading-1'))!.value).toString()).toBe('r2');
    expect(await ledger.state.get(CC, 'meter-1')).toBeUndefined();
    expect(await ledger.txValidation(first.txId)).toEqual({ blockNum: 1, txNum: 0, code: C.VALID });

    const before = await dump();
    expect(JSON.stringify(before)).toContain('MeterRegistered');
    await ledger.rebuildState();
    expect(await dump()).toEqual(before);
  });
});
