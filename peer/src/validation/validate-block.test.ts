import { common, peer } from '@hyperledger/fabric-protos';
import { beforeAll, describe, expect, it } from 'vitest';
import { channelMspManager, readPeerChannelConfig, type PeerChannelConfig } from '../channel/index.js';
import { TRUST_CHANNEL, trustNetwork, type TrustNetwork } from '../channel/test-support/trust-network.js';
import { generateOrganization } from '@speedledger/orderer-bft';
import { signingIdentityFromPem, type MspManager, type SigningIdentity } from '../msp/index.js';
import { applicationPolicyFromDsl, channelPolicyReference, createChannelPolicyEvaluator, parseSignaturePolicy } from '../policy/index.js';
import type { NamespacePolicy, ValidationContext } from './block-validation.js';
import { VALIDATION_PARAMETER } from './endorsement-check.js';
import { buildBlock, buildEndorserTransaction, type EndorserTxSpec } from './test-support/endorser-transaction-builder.js';
import { MemoryState } from './test-support/memory-state.js';
import { validateBlock } from './validate-block.js';
import { ValidationError } from './validation-error.js';

const C = peer.TxValidationCode;
const CC = 'lr-chaincode';
const CC_POLICY: NamespacePolicy = { kind: 'application', policy: applicationPolicyFromDsl("OutOf(2, 'InmetroMSP.peer', 'PTBMSP.peer', 'LaSIGEMSP.peer')").serializeBinary() };
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

let network: TrustNetwork;
let config: PeerChannelConfig;
let manager: MspManager;
let client: SigningIdentity;
let inmetro: SigningIdentity;
let ptb: SigningIdentity;
let lasige: SigningIdentity;
let city: SigningIdentity;

beforeAll(async () => {
  network = await trustNetwork();
  config = readPeerChannelConfig(network.genesis);
  manager = channelMspManager(config);
  client = network.signer('CityOperatorMSP', 'client');
  inmetro = network.signer('InmetroMSP', 'peer');
  ptb = network.signer('PTBMSP', 'peer');
  lasige = network.signer('LaSIGEMSP', 'peer');
  city = network.signer('CityOperatorMSP', 'peer');
});

interface ContextOptions {
  readonly committedTxIds?: readonly string[];
  readonly policies?: Readonly<Record<string, NamespacePolicy>>;
}

function context(state = new MemoryState(), options: ContextOptions = {}): ValidationContext {
  const policies = options.policies ?? { [CC]: CC_POLICY };
  return {
    channelId: TRUST_CHANNEL,
    deserialize: (bytes) => manager.deserialize(bytes),
    state,
    txIdCommitted: async (txId) => options.committedTxIds?.includes(txId) ?? false,
    namespacePolicy: async (namespace) => policies[namespace] ?? { kind: 'undefined' },
    evaluateChannelPolicy: createChannelPolicyEvaluator(config),
  };
}

function tx(overrides: Partial<EndorserTxSpec> = {}): { envelope: Uint8Array; txId: string } {
  return buildEndorserTransaction({
    channelId: TRUST_CHANNEL,
    creator: client,
    chaincode: CC,
    namespaces: [{ namespace: CC, writes: [{ key: 'reading-1', value: 'v1' }] }],
    endorsers: [inmetro, ptb],
    ...overrides,
  });
}

async function codesOf(envelopes: readonly Uint8Array[], ctx = context(), blockNumber = 7): Promise<number[]> {
  const result = await validateBlock(buildBlock(blockNumber, envelopes), ctx);
  expect([...result.transactionsFilter]).toEqual(result.transactions.map((t) => t.code));
  return result.transactions.map((t) => t.code);
}

async function codeOf(envelope: Uint8Array, ctx = context()): Promise<number> {
  return (await codesOf([envelope], ctx))[0]!;
}

function envelopeWith(payload: Uint8Array, signer: SigningIdentity = client): Uint8Array {
  const envelope = new common.Envelope();
  envelope.setPayload(payload);
  envelope.setSignature(signer.sign(payload));
  return envelope.serializeBinary();
}

describe('validateBlock: a valid endorser transaction', () => {
  it('is VALID with its writes, metadata writes, chaincode event, creator and timestamp', async () => {
    const { envelope, txId } = tx({
      namespaces: [{ namespace: CC, writes: [{ key: 'a', value: 'A' }, { key: 'b', value: null }], metadataWrites: [{ key: 'a', entries: { note: enc('x') } }] }],
      event: { name: 'ReadingRecorded', payload: '{"id":1}' },
      timestamp: new Date('2026-03-04T05:06:07.089Z'),
    });
    const result = await validateBlock(buildBlock(3, [envelope]), context());
    expect(result.blockNumber).toBe(3);
    const [only] = result.transactions;
    expect(only).toMatchObject({ index: 0, txId, code: C.VALID, headerType: common.HeaderType.ENDORSER_TRANSACTION, creatorMspId: 'CityOperatorMSP' });
    expect(only!.timestamp.toISOString()).toBe('2026-03-04T05:06:07.089Z');
    expect(only!.writes).toHaveLength(1);
    expect(only!.writes[0]!.namespace).toBe(CC);
    expect(only!.writes[0]!.writes.map((w) => [w.key, w.value === null ? null : new TextDecoder().decode(w.value)])).toEqual([['a', 'A'], ['b', null]]);
    expect(only!.writes[0]!.metadataWrites[0]!.key).toBe('a');
    expect(new TextDecoder().decode(only!.writes[0]!.metadataWrites[0]!.entries.get('note'))).toBe('x');
    expect(only!.chaincodeEvent).toMatchObject({ chaincodeId: CC, txId, eventName: 'ReadingRecorded' });
    expect(new TextDecoder().decode(only!.chaincodeEvent!.payload)).toBe('{"id":1}');
    expect([...result.transactionsFilter]).toEqual([C.VALID]);
  });

  it('accepts an invocation without writes when its chaincode policy is met', async () => {
    expect(await codeOf(tx({ namespaces: [{ namespace: CC, reads: [{ key: 'nothing' }] }] }).envelope)).toBe(C.VALID);
    expect(await codeOf(tx({ namespaces: [], endorsers: [inmetro] }).envelope)).toBe(C.ENDORSEMENT_POLICY_FAILURE);
  });
});

describe('validateBlock: envelope structure and creator', () => {
  it('NIL_ENVELOPE, INVALID_OTHER_REASON, BAD_PAYLOAD, BAD_COMMON_HEADER, BAD_CHANNEL_HEADER', async () => {
    const noHeader = new common.Payload();
    noHeader.setData(enc('x'));
    const badChannelHeader = new common.Header();
    badChannelHeader.setChannelHeader(new Uint8Array([0xff, 0xff, 0xff]));
    badChannelHeader.setSignatureHeader(new common.SignatureHeader().serializeBinary());
    const badChannelPayload = new common.Payload();
    badChannelPayload.setHeader(badChannelHeader);
    const codes = await codesOf([
      new Uint8Array(),
      new Uint8Array([0xff, 0xff, 0xff]),
      envelopeWith(new Uint8Array([0xff, 0xff])),
      envelopeWith(noHeader.serializeBinary()),
      envelopeWith(badChannelPayload.serializeBinary()),
      tx({ epoch: 3 }).envelope,
    ]);
    expect(codes).toEqual([C.NIL_ENVELOPE, C.INVALID_OTHER_REASON, C.BAD_PAYLOAD, C.BAD_COMMON_HEADER, C.BAD_CHANNEL_HEADER, C.BAD_COMMON_HEADER]);
  });

  it('TARGET_CHAIN_NOT_FOUND for another channel', async () => {
    expect(await codeOf(tx({ channelId: 'otherchannel' }).envelope)).toBe(C.TARGET_CHAIN_NOT_FOUND);
  });

  it('BAD_CREATOR_SIGNATURE for a creator of a foreign CA, or an envelope signed by someone else', async () => {
    const impostorOrg = await generateOrganization({ mspId: 'CityOperatorMSP', domain: 'cityoperator.example.com', now: new Date('2026-01-01T00:00:00Z') });
    const impostor = await impostorOrg.enrol('user9.cityoperator.example.com', { ou: 'client' });
    const forged = signingIdentityFromPem('CityOperatorMSP', impostor.certPem, impostor.privateKeyPem);
    expect(await codeOf(tx({ creator: forged }).envelope)).toBe(C.BAD_CREATOR_SIGNATURE);
    expect(await codeOf(tx({ envelopeSigner: network.signer('CityOperatorMSP', 'admin') }).envelope)).toBe(C.BAD_CREATOR_SIGNATURE);
  });

  it('BAD_PROPOSAL_TXID when the tx id is not SHA-256(nonce ‖ creator)', async () => {
    expect(await codeOf(tx({ txId: 'f'.repeat(64) }).envelope)).toBe(C.BAD_PROPOSAL_TXID);
  });

  it('DUPLICATE_TXID for a tx id committed before or earlier in this block', async () => {
    const first = tx();
    expect(await codeOf(first.envelope, context(new MemoryState(), { committedTxIds: [first.txId] }))).toBe(C.DUPLICATE_TXID);
    const second = tx({ nonce: new Uint8Array(24).fill(7) });
    const again = tx({ nonce: new Uint8Array(24).fill(7), namespaces: [{ namespace: CC, writes: [{ key: 'other', value: 'x' }] }] });
    expect(second.txId).toBe(again.txId);
    const result = await validateBlock(buildBlock(4, [second.envelope, again.envelope]), context());
    expect(result.transactions.map((t) => t.code)).toEqual([C.VALID, C.DUPLICATE_TXID]);
    expect(result.transactions[1]!.writes).toEqual([]);
  });

  it('UNKNOWN_TX_TYPE for a signed MESSAGE envelope; INVALID_CONFIG_TRANSACTION for a config after genesis', async () => {
    expect(await codeOf(tx({ headerType: common.HeaderType.MESSAGE }).envelope)).toBe(C.UNKNOWN_TX_TYPE);
    expect(await codeOf(tx({ headerType: common.HeaderType.CONFIG }).envelope)).toBe(C.INVALID_CONFIG_TRANSACTION);
  });

  it('the genesis config block is VALID without writes', async () => {
    const result = await validateBlock(network.genesis, context());
    expect(result.blockNumber).toBe(0);
    expect(result.transactions).toHaveLength(1);
    expect(result.transactions[0]).toMatchObject({ code: C.VALID, headerType: common.HeaderType.CONFIG, writes: [] });
  });

  it('throws MALFORMED_BLOCK for a block without header', async () => {
    await expect(validateBlock(new common.Block(), context())).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('validateBlock: endorser transaction structure', () => {
  it('INVALID_ENDORSER_TRANSACTION when the proposal hash does not bind the response to this transaction', async () => {
    expect(await codeOf(tx({ wrongProposalHash: true }).envelope)).toBe(C.INVALID_ENDORSER_TRANSACTION);
    const notATransaction = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(tx().envelope).getPayload_asU8());
    notATransaction.setData(new Uint8Array([0xff, 0xff]));
    expect(await codeOf(envelopeWith(notATransaction.serializeBinary()))).toBe(C.INVALID_ENDORSER_TRANSACTION);
  });

  it('INVALID_CHAINCODE for an undefined chaincode namespace or inconsistent chaincode ids', async () => {
    expect(await codeOf(tx({ namespaces: [{ namespace: 'rogue', writes: [{ key: 'k', value: 'v' }] }] }).envelope)).toBe(C.INVALID_CHAINCODE);
    expect(await codeOf(tx({ chaincode: 'rogue', namespaces: [] }).envelope)).toBe(C.INVALID_CHAINCODE);
    // A qscc/cscc endorsement (empty read/write set) submitted anyway never commits as valid.
    expect(await codeOf(tx({ chaincode: 'qscc', chaincodeVersion: 'syscc', namespaces: [] }).envelope)).toBe(C.INVALID_CHAINCODE);
    expect(await codeOf(tx({ actionChaincodeName: 'other' }).envelope)).toBe(C.INVALID_CHAINCODE);
    expect(await codeOf(tx({ chaincodeVersion: '' }).envelope)).toBe(C.INVALID_CHAINCODE);
  });

  it("INVALID_OTHER_REASON for an event of another chaincode; ILLEGAL_WRITESET for a repeated namespace", async () => {
    expect(await codeOf(tx({ event: { name: 'e', payload: '', chaincodeId: 'other' } }).envelope)).toBe(C.INVALID_OTHER_REASON);
    const twice = [{ namespace: CC, writes: [{ key: 'a', value: '1' }] }, { namespace: CC, writes: [{ key: 'b', value: '2' }] }];
    expect(await codeOf(tx({ namespaces: twice }).envelope)).toBe(C.ILLEGAL_WRITESET);
  });
});

describe('validateBlock: endorsement policies', () => {
  it('ENDORSEMENT_POLICY_FAILURE with one endorser, client endorsers, or an outsider organisation', async () => {
    expect(await codeOf(tx({ endorsers: [inmetro] }).envelope)).toBe(C.ENDORSEMENT_POLICY_FAILURE);
    expect(await codeOf(tx({ endorsers: [inmetro, inmetro] }).envelope)).toBe(C.ENDORSEMENT_POLICY_FAILURE);
    expect(await codeOf(tx({ endorsers: [network.signer('InmetroMSP', 'client'), network.signer('PTBMSP', 'client')] }).envelope)).toBe(C.ENDORSEMENT_POLICY_FAILURE);
    expect(await codeOf(tx({ endorsers: [inmetro, city] }).envelope)).toBe(C.ENDORSEMENT_POLICY_FAILURE);
    expect(await codeOf(tx({ endorsers: [lasige, ptb] }).envelope)).toBe(C.VALID);
  });

  it('drops endorsements whose signature does not verify, as Fabric does', async () => {
    expect(await codeOf(tx({ endorsers: [inmetro, ptb], forgeEndorsementsWith: lasige }).envelope)).toBe(C.ENDORSEMENT_POLICY_FAILURE);
    // A forged third endorsement next to two good ones: dropped, the good two suffice.
    const spec = { endorsers: [inmetro, ptb, lasige] };
    const good = tx(spec);
    const parsed = common.Envelope.deserializeBinary(good.envelope);
    const payload = common.Payload.deserializeBinary(parsed.getPayload_asU8());
    const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(transaction.getActionsList()[0]!.getPayload_asU8());
    actionPayload.getAction()!.getEndorsementsList()[2]!.setSignature(inmetro.sign(enc('something else')));
    transaction.getActionsList()[0]!.setPayload(actionPayload.serializeBinary());
    payload.setData(transaction.serializeBinary());
    expect(await codeOf(envelopeWith(payload.serializeBinary()))).toBe(C.VALID);
    actionPayload.getAction()!.getEndorsementsList()[1]!.setSignature(new Uint8Array([0x30, 0x00]));
    transaction.getActionsList()[0]!.setPayload(actionPayload.serializeBinary());
    payload.setData(transaction.serializeBinary());
    expect(await codeOf(envelopeWith(payload.serializeBinary()))).toBe(C.ENDORSEMENT_POLICY_FAILURE);
  });

  it('evaluates a channel config policy reference (MAJORITY of the four organisations)', async () => {
    const ctx = context(new MemoryState(), { policies: { [CC]: { kind: 'application', policy: channelPolicyReference('/Channel/Application/Endorsement').serializeBinary() } } });
    expect(await codeOf(tx({ endorsers: [inmetro, ptb] }).envelope, ctx)).toBe(C.ENDORSEMENT_POLICY_FAILURE);
    expect(await codeOf(tx({ endorsers: [inmetro, ptb, city] }).envelope, ctx)).toBe(C.VALID);
  });

  it('a key-level VALIDATION_PARAMETER replaces the chaincode policy for that key', async () => {
    const vp = parseSignaturePolicy("OR('CityOperatorMSP.peer')").serializeBinary();
    const state = new MemoryState().put(CC, 'guarded', 'old', { blockNum: 1, txNum: 0 }, new Map([[VALIDATION_PARAMETER, vp]]));
    const ctx = context(state);
    const guardedOnly = [{ namespace: CC, writes: [{ key: 'guarded', value: 'new' }] }];
    expect(await codeOf(tx({ namespaces: guardedOnly, endorsers: [inmetro, ptb] }).envelope, ctx)).toBe(C.ENDORSEMENT_POLICY_FAILURE);
    expect(await codeOf(tx({ namespaces: guardedOnly, endorsers: [city] }).envelope, ctx)).toBe(C.VALID);
    const metadataOnly = [{ namespace: CC, metadataWrites: [{ key: 'guarded', entries: {} }] }];
    expect(await codeOf(tx({ namespaces: metadataOnly, endorsers: [inmetro, ptb] }).envelope, ctx)).toBe(C.ENDORSEMENT_POLICY_FAILURE);
    const both = [{ namespace: CC, writes: [{ key: 'guarded', value: 'new' }, { key: 'free', value: 'x' }] }];
    expect(await codeOf(tx({ namespaces: both, endorsers: [city] }).envelope, ctx)).toBe(C.ENDORSEMENT_POLICY_FAILURE);
    expect(await codeOf(tx({ namespaces: both, endorsers: [city, inmetro, ptb] }).envelope, ctx)).toBe(C.VALID);
  });

  it('a write to a key whose validation parameter an earlier transaction of the block changed fails', async () => {
    const vp = parseSignaturePolicy("OR('CityOperatorMSP.peer')").serializeBinary();
    const setVp = tx({ namespaces: [{ namespace: CC, metadataWrites: [{ key: 'k', entries: { [VALIDATION_PARAMETER]: vp } }] }] });
    const write = tx({ namespaces: [{ namespace: CC, writes: [{ key: 'k', value: 'x' }] }], endorsers: [inmetro, ptb, city] });
    expect(await codesOf([setVp.envelope, write.envelope])).toEqual([C.VALID, C.ENDORSEMENT_POLICY_FAILURE]);
    // If the metadata update itself failed endorsement, there is no dependency.
    const failedSet = tx({ namespaces: [{ namespace: CC, metadataWrites: [{ key: 'k', entries: { [VALIDATION_PARAMETER]: vp } }] }], endorsers: [inmetro] });
    const write2 = tx({ namespaces: [{ namespace: CC, writes: [{ key: 'k', value: 'x' }] }] });
    expect(await codesOf([failedSet.envelope, write2.envelope])).toEqual([C.ENDORSEMENT_POLICY_FAILURE, C.VALID]);
  });
});

describe('validateBlock: MVCC and phantom reads', () => {
  const state = (): MemoryState => new MemoryState()
    .put(CC, 'k', 'v', { blockNum: 2, txNum: 1 })
    .put(CC, 'r1', '1', { blockNum: 2, txNum: 0 })
    .put(CC, 'r2', '2', { blockNum: 2, txNum: 3 })
    .put(CC, 's', 'after', { blockNum: 2, txNum: 4 });
  const reading = (reads: EndorserTxSpec['namespaces'][number]['reads']): Uint8Array =>
    tx({ namespaces: [{ namespace: CC, reads, writes: [{ key: 'out', value: 'x' }] }] }).envelope;

  it('VALID when read versions match, MVCC_READ_CONFLICT when stale or present-but-read-absent', async () => {
    const ctx = context(state());
    expect(await codeOf(reading([{ key: 'k', version: { blockNum: 2, txNum: 1 } }, { key: 'missing' }]), ctx)).toBe(C.VALID);
    expect(await codeOf(reading([{ key: 'k', version: { blockNum: 1, txNum: 1 } }]), ctx)).toBe(C.MVCC_READ_CONFLICT);
    expect(await codeOf(reading([{ key: 'k' }]), ctx)).toBe(C.MVCC_READ_CONFLICT);
    expect(await codeOf(reading([{ key: 'missing', version: { blockNum: 2, txNum: 1 } }]), ctx)).toBe(C.MVCC_READ_CONFLICT);
  });

  it("a read of the chaincode's definition in _lifecycle (as endorsers record it): VALID while it stands, MVCC_READ_CONFLICT once a new one is committed", async () => {
    const defined = (version: { blockNum: number; txNum: number }): MemoryState => state().put('_lifecycle', `definitions/${CC}`, '{"sequence":1}', version);
    // Read-only in _lifecycle: no _lifecycle policy applies, only the chaincode's.
    const endorsedUnderSequence1 = tx({ namespaces: [
      { namespace: '_lifecycle', reads: [{ key: `definitions/${CC}`, version: { blockNum: 1, txNum: 0 } }] },
      { namespace: CC, writes: [{ key: 'out', value: 'x' }] },
    ] }).envelope;
    expect(await codeOf(endorsedUnderSequence1, context(defined({ blockNum: 1, txNum: 0 })))).toBe(C.VALID);
    expect(await codeOf(endorsedUnderSequence1, context(defined({ blockNum: 3, txNum: 0 })))).toBe(C.MVCC_READ_CONFLICT);
  });

  it('in-block conflicts: a read of a key an earlier VALID transaction wrote; invalid writers do not count', async () => {
    const writer = tx({ namespaces: [{ namespace: CC, writes: [{ key: 'k', value: 'w' }] }] }).envelope;
    const failedWriter = tx({ namespaces: [{ namespace: CC, writes: [{ key: 'k', value: 'w' }] }], endorsers: [inmetro] }).envelope;
    const reader = reading([{ key: 'k', version: { blockNum: 2, txNum: 1 } }]);
    expect(await codesOf([writer, reader], context(state()))).toEqual([C.VALID, C.MVCC_READ_CONFLICT]);
    expect(await codesOf([failedWriter, reader], context(state()))).toEqual([C.ENDORSEMENT_POLICY_FAILURE, C.VALID]);
    const deleter = tx({ namespaces: [{ namespace: CC, writes: [{ key: 'missing', value: null }] }] }).envelope;
    expect(await codesOf([deleter, reading([{ key: 'missing' }])], context(state()))).toEqual([C.VALID, C.MVCC_READ_CONFLICT]);
  });

  it('PHANTOM_READ_CONFLICT when a range re-run differs; VALID when it matches', async () => {
    const range = (reads: { key: string; version?: { blockNum: number; txNum: number } }[], exhausted = true, endKey = 'r9'): Uint8Array =>
      tx({ namespaces: [{ namespace: CC, ranges: [{ startKey: 'r', endKey, exhausted, reads }], writes: [{ key: 'out', value: 'x' }] }] }).envelope;
    const both = [{ key: 'r1', version: { blockNum: 2, txNum: 0 } }, { key: 'r2', version: { blockNum: 2, txNum: 3 } }];
    expect(await codeOf(range(both), context(state()))).toBe(C.VALID);
    expect(await codeOf(range(both.slice(0, 1)), context(state()))).toBe(C.PHANTOM_READ_CONFLICT);
    expect(await codeOf(range([both[0]!, { key: 'r2', version: { blockNum: 2, txNum: 2 } }]), context(state()))).toBe(C.PHANTOM_READ_CONFLICT);
    expect(await codeOf(range([...both, { key: 'r3', version: { blockNum: 2, txNum: 5 } }]), context(state()))).toBe(C.PHANTOM_READ_CONFLICT);
    // Stopped early after r1: the re-run covers [r, r1] only, so r2 is no phantom.
    expect(await codeOf(range(both.slice(0, 1), false, 'r1'), context(state()))).toBe(C.VALID);
    const inserter = tx({ namespaces: [{ namespace: CC, writes: [{ key: 'r15', value: 'new' }] }] }).envelope;
    expect(await codesOf([inserter, range(both)], context(state()))).toEqual([C.VALID, C.PHANTOM_READ_CONFLICT]);
    const deleter = tx({ namespaces: [{ namespace: CC, writes: [{ key: 'r2', value: null }] }] }).envelope;
    expect(await codesOf([deleter, range(both)], context(state()))).toEqual([C.VALID, C.PHANTOM_READ_CONFLICT]);
  });

  it('a mixed block: codes in block order, writes only for VALID transactions', async () => {
    const good = tx();
    const bad = tx({ endorsers: [inmetro] });
    const conflicting = tx({ namespaces: [{ namespace: CC, reads: [{ key: 'k' }], writes: [{ key: 'z', value: '1' }] }] });
    const result = await validateBlock(buildBlock(9, [good.envelope, bad.envelope, new Uint8Array(), conflicting.envelope]), context(state()));
    expect([...result.transactionsFilter]).toEqual([C.VALID, C.ENDORSEMENT_POLICY_FAILURE, C.NIL_ENVELOPE, C.MVCC_READ_CONFLICT]);
    expect(result.transactions.map((t) => t.writes.length)).toEqual([1, 0, 0, 0]);
    expect(result.transactions.map((t) => t.index)).toEqual([0, 1, 2, 3]);
  });
});
