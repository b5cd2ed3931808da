import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { common, peer } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelMspManager, readPeerChannelConfig } from '../channel/index.js';
import { trustNetwork, TRUST_CHANNEL, TRUST_NOW, type TrustNetwork } from '../channel/test-support/trust-network.js';
import { createEndorser, type Endorser } from '../endorser/index.js';
import { buildSignedProposal } from '../endorser/signed-proposal.js';
import { configBlockValidation, headerHashOf, PeerLedger } from '../ledger/index.js';
import { configEnvelope, endorserEnvelope, makeBlock, validationWithCodes } from '../ledger/test-support/ledger-blocks.js';
import type { SigningIdentity } from '../msp/index.js';
import { createChannelPolicyEvaluator } from '../policy/index.js';
import { createRequestAuthorizer, CHANNEL_WRITERS_POLICY } from '../runtime/request-authorizer.js';
import { createEndorserService } from '../services/endorser-service.js';
import { MemoryWorldState } from '../simulation/test-support/memory-world-state.js';
import { configOfBlock, createConfigChaincode } from './config-chaincode.js';
import { LEDGER_QUERY_CHAINCODES, LEDGER_QUERY_POLICY, type LedgerQueryAccess } from './ledger-query-access.js';
import { createQueryChaincode } from './query-chaincode.js';

/*
 * qscc and cscc through the real endorser over a real ledger (genesis of a generated channel, two
 * blocks of transactions), with the channel's MSPs and Readers policy: what a Fabric client gets
 * from ProcessProposal or the Gateway's Evaluate.
 */
const NOW = new Date(TRUST_NOW.getTime() + 86_400_000);
const MAX_UINT64 = '18446744073709551615';
const hex = (b: Uint8Array | undefined): string => Buffer.from(b ?? new Uint8Array()).toString('hex');
/** Blocks and configs are compared by digest: a mismatch would print megabytes of hex. */
const sum = (b: Uint8Array | undefined): string => createHash('sha256').update(b ?? new Uint8Array()).digest('hex');

describe('qscc and cscc on the endorser', () => {
  let net: TrustNetwork;
  let dir: string;
  let ledger: PeerLedger;
  let endorser: Endorser;
  const blocks: common.Block[] = [];

  beforeAll(async () => {
    net = await trustNetwork();
    dir = await mkdtemp(join(tmpdir(), 'peer-scc-'));
    ledger = await PeerLedger.open(dir, { channelId: TRUST_CHANNEL });
    await ledger.commit(net.genesis, configBlockValidation(net.genesis));
    blocks.push((await ledger.blockByNumber(0))!);
    for (const [txs, codes] of [[['a1', 'a2'], [0, 11]], [['b1'], [0]]] as const) {
      const block = common.Block.deserializeBinary(makeBlock(blocks.length, blocks.at(-1), txs.map((txId) => endorserEnvelope({ txId, writes: [{ ns: 'cc', key: txId, value: 'v' }] }))).serializeBinary());
      await ledger.commit(block, validationWithCodes(block, codes));
      blocks.push((await ledger.blockByNumber(blocks.length))!);
    }
    const config = readPeerChannelConfig(net.genesis);
    const msp = channelMspManager(config);
    const evaluate = createChannelPolicyEvaluator(config);
    const access: LedgerQueryAccess = (_resource, creator) => (evaluate(LEDGER_QUERY_POLICY, [creator]) ? undefined : `${creator.mspId} creator does not satisfy ${LEDGER_QUERY_POLICY}`);
    const state = new MemoryWorldState();
    endorser = createEndorser({
      channelId: TRUST_CHANNEL,
      signer: net.signer('InmetroMSP', 'peer'),
      deserialize: (bytes) => msp.deserialize(bytes, NOW),
      state,
      history: state,
      txIdCommitted: (txId) => ledger.txIdCommitted(txId),
      systemChaincodes: [
        createQueryChaincode({ channelId: TRUST_CHANNEL, ledger, access }),
        createConfigChaincode({ channelId: TRUST_CHANNEL, configBlock: net.genesis, localMspId: 'InmetroMSP', access }),
      ],
      resolveChaincode: async (name) => ({ refusal: { code: 'CHAINCODE_NOT_DEFINED', message: `[CHAINCODE_NOT_DEFINED] ${name}` } }),
    });
  });

  afterAll(async () => {
    await ledger?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const propose = (chaincode: string, args: readonly (string | Uint8Array)[], signer: SigningIdentity = net.signer('CityOperatorMSP', 'client'), channelId = TRUST_CHANNEL) =>
    buildSignedProposal({ signer, channelId, chaincode, args, timestamp: NOW }).signed;
  const call = async (chaincode: string, args: readonly (string | Uint8Array)[], signer?: SigningIdentity, channelId?: string) =>
    endorser.processProposal(propose(chaincode, args, signer, channelId));
  /** The payload of a successful answer; fails the test with the message otherwise. */
  const payload = async (chaincode: string, args: readonly (string | Uint8Array)[]) => {
    const response = await call(chaincode, args);
    expect(response.getResponse()?.getMessage()).toBe('');
    expect(response.getResponse()?.getStatus()).toBe(200);
    return response.getResponse()!.getPayload_asU8();
  };
  const refusal = async (chaincode: string, args: readonly (string | Uint8Array)[], signer?: SigningIdentity) => {
    const response = (await call(chaincode, args, signer)).getResponse()!;
    expect(response.getStatus()).toBe(500);
    return response.getMessage();
  };

  it('GetChainInfo is common.BlockchainInfo of the ledger\'s tip, and the answer is endorsed with an empty read/write set', async () => {
    const response = await call('qscc', ['GetChainInfo', TRUST_CHANNEL]);
    const info = common.BlockchainInfo.deserializeBinary(response.getResponse()!.getPayload_asU8());
    expect([info.getHeight(), hex(info.getCurrentblockhash_asU8()), hex(info.getPreviousblockhash_asU8())])
      .toEqual([3, hex(headerHashOf(blocks[2]!.getHeader()!)), hex(headerHashOf(blocks[1]!.getHeader()!))]);
    expect(response.getEndorsement()?.getSignature_asU8().byteLength).toBeGreaterThan(0);
    const action = peer.ChaincodeAction.deserializeBinary(peer.ProposalResponsePayload.deserializeBinary(response.getPayload_asU8()).getExtension_asU8());
    expect([action.getResults_asU8().byteLength, action.getChaincodeId()?.getName(), action.getChaincodeId()?.getVersion()]).toEqual([0, 'qscc', 'syscc']);
    expect(sum(action.getResponse()?.getPayload_asU8())).toBe(sum(info.serializeBinary()));
  });

  it('GetBlockByNumber answers the stored block (with its filter), MaxUint64 the newest; bad numbers as Go parses them', async () => {
    expect(sum(await payload('qscc', ['GetBlockByNumber', TRUST_CHANNEL, '1']))).toBe(sum(blocks[1]!.serializeBinary()));
    expect(sum(await payload('qscc', ['GetBlockByNumber', TRUST_CHANNEL, '000']))).toBe(sum(blocks[0]!.serializeBinary()));
    expect(sum(await payload('qscc', ['GetBlockByNumber', TRUST_CHANNEL, MAX_UINT64]))).toBe(sum(blocks[2]!.serializeBinary()));
    expect(await refusal('qscc', ['GetBlockByNumber', TRUST_CHANNEL, '3'])).toBe('Failed to get block number 3, error no such block number [3] in index');
    expect(await refusal('qscc', ['GetBlockByNumber', TRUST_CHANNEL, '-1'])).toBe('Failed to parse block number with error strconv.ParseUint: parsing "-1": invalid syntax');
    expect(await refusal('qscc', ['GetBlockByNumber', TRUST_CHANNEL, '0x1'])).toMatch(/invalid syntax$/);
    expect(await refusal('qscc', ['GetBlockByNumber', TRUST_CHANNEL, '18446744073709551616'])).toMatch(/value out of range$/);
    expect(await refusal('qscc', ['GetBlockByNumber', TRUST_CHANNEL, '9007199254740993'])).toBe('Failed to get block number 9007199254740993, error no such block number [9007199254740993] in index');
    expect(await refusal('qscc', ['GetBlockByNumber', TRUST_CHANNEL])).toBe('missing 3rd argument for GetBlockByNumber');
  });

  it('GetBlockByHash takes the header hash bytes; another hash is not found', async () => {
    expect(sum(await payload('qscc', ['GetBlockByHash', TRUST_CHANNEL, headerHashOf(blocks[2]!.getHeader()!)]))).toBe(sum(blocks[2]!.serializeBinary()));
    const other = new Uint8Array(32).fill(9);
    expect(await refusal('qscc', ['GetBlockByHash', TRUST_CHANNEL, other])).toBe(`Failed to get block hash ${hex(other)}, error no such block hash [${hex(other)}] in index`);
  });

  it('GetTransactionByID is peer.ProcessedTransaction (envelope as ordered, its validation code); GetBlockByTxID its block', async () => {
    const processed = peer.ProcessedTransaction.deserializeBinary(await payload('qscc', ['GetTransactionByID', TRUST_CHANNEL, 'a2']));
    expect(processed.getValidationcode()).toBe(peer.TxValidationCode.MVCC_READ_CONFLICT);
    expect(sum(processed.getTransactionenvelope()?.serializeBinary())).toBe(sum(blocks[1]!.getData()!.getDataList_asU8()[1]));
    expect(peer.ProcessedTransaction.deserializeBinary(await payload('qscc', ['GetTransactionByID', TRUST_CHANNEL, 'b1'])).getValidationcode()).toBe(peer.TxValidationCode.VALID);
    expect(sum(await payload('qscc', ['GetBlockByTxID', TRUST_CHANNEL, 'b1']))).toBe(sum(blocks[2]!.serializeBinary()));
    expect(await refusal('qscc', ['GetTransactionByID', TRUST_CHANNEL, 'nope'])).toBe('Failed to get transaction with id nope, error no such transaction ID [nope] in index');
    expect(await refusal('qscc', ['GetBlockByTxID', TRUST_CHANNEL, 'nope'])).toBe('Failed to get block for txID nope, error no such transaction ID [nope] in index');
  });

  it('refuses another channel, too few arguments, an unknown function, and a creator outside the channel\'s Readers', async () => {
    expect(await refusal('qscc', ['GetChainInfo', 'other'])).toBe('Invalid chain ID, other');
    expect(await refusal('qscc', ['GetChainInfo'])).toBe('Incorrect number of arguments, 1');
    expect(await refusal('qscc', ['GetBlocks', TRUST_CHANNEL, '1'])).toBe('Requested function GetBlocks not found.');
    // An orderer's identity is a channel MSP member but no application organisation's reader.
    const orderer = net.signer('OrdererMSP', 'orderer');
    expect(await refusal('qscc', ['GetChainInfo', TRUST_CHANNEL], orderer)).toBe(`access denied for [GetChainInfo][${TRUST_CHANNEL}]: [OrdererMSP creator does not satisfy ${LEDGER_QUERY_POLICY}]`);
    expect(await refusal('cscc', ['GetChannelConfig', TRUST_CHANNEL], orderer)).toMatch(/^access denied for \[GetChannelConfig\]\[speedledger\]: OrdererMSP creator does not satisfy/);
    const denied = await call('qscc', ['GetChainInfo', TRUST_CHANNEL], orderer);
    expect(denied.getEndorsement()).toBeUndefined();
  });

  it('cscc GetChannelConfig is the genesis block\'s common.Config; GetChannels names the channel', async () => {
    const config = common.Config.deserializeBinary(await payload('cscc', ['GetChannelConfig', TRUST_CHANNEL]));
    const envelope = common.Envelope.deserializeBinary(net.genesis.getData()!.getDataList_asU8()[0]!);
    const expected = common.ConfigEnvelope.deserializeBinary(common.Payload.deserializeBinary(envelope.getPayload_asU8()).getData_asU8()).getConfig()!;
    expect(sum(config.serializeBinary())).toBe(sum(expected.serializeBinary()));
    expect(config.getChannelGroup()?.getGroupsMap().get('Application')?.getGroupsMap().getLength()).toBe(4);
    expect(sum(configOfBlock(net.genesis).serializeBinary())).toBe(sum(expected.serializeBinary()));
    expect(await refusal('cscc', ['GetChannelConfig', 'other'])).toBe('unknown channel ID, other');
    expect(await refusal('cscc', ['GetChannelConfig', ''])).toBe('empty channel name provided');
    expect(await refusal('cscc', ['JoinChain', new Uint8Array([1])])).toMatch(/^JoinChain is not supported/);
    const inmetro = net.signer('InmetroMSP', 'admin');
    const channels = peer.ChannelQueryResponse.deserializeBinary((await call('cscc', ['GetChannels'], inmetro)).getResponse()!.getPayload_asU8());
    expect(channels.getChannelsList().map((c) => c.getChannelId())).toEqual([TRUST_CHANNEL]);
    expect(await refusal('cscc', ['GetChannels'])).toMatch(/^access denied for \[GetChannels\]: CityOperatorMSP is not a member of this peer's organisation InmetroMSP/);
  });

  it('a channel-less proposal (peer channel getinfo) is answered unendorsed for the peer\'s own organisation only', async () => {
    const admin = net.signer('InmetroMSP', 'admin');
    const answered = await call('qscc', ['GetChainInfo', TRUST_CHANNEL], admin, '');
    expect(answered.getResponse()?.getStatus()).toBe(200);
    expect(common.BlockchainInfo.deserializeBinary(answered.getResponse()!.getPayload_asU8()).getHeight()).toBe(3);
    expect([answered.getEndorsement(), answered.getPayload_asU8().byteLength]).toEqual([undefined, 0]);
    const foreign = await call('qscc', ['GetChainInfo', TRUST_CHANNEL], net.signer('PTBMSP', 'admin'), '');
    expect(foreign.getResponse()?.getMessage()).toMatch(/^\[CREATOR_UNTRUSTED\] .*this peer's organisation InmetroMSP, not PTBMSP/);
    // `peer channel list`: cscc GetChannels without a channel.
    const list = await call('cscc', ['GetChannels'], admin, '');
    expect(peer.ChannelQueryResponse.deserializeBinary(list.getResponse()!.getPayload_asU8()).getChannelsList().map((c) => c.getChannelId())).toEqual([TRUST_CHANNEL]);
    // Only the ledger query chaincodes take channel-less proposals.
    expect((await call('lr-chaincode', ['getMeter', 'x'], admin, '')).getResponse()?.getMessage()).toMatch(/^\[CHANNEL_MISMATCH\]/);
  });

  it('ProcessProposal exempts qscc and cscc from the Writers check (a peer identity reads), not other chaincodes', async () => {
    const config = readPeerChannelConfig(net.genesis);
    const writers = createRequestAuthorizer({ msp: channelMspManager(config), evaluateChannelPolicy: createChannelPolicyEvaluator(config), now: () => NOW, policyPath: CHANNEL_WRITERS_POLICY });
    const service = createEndorserService(endorser, writers, LEDGER_QUERY_CHAINCODES);
    const process = (request: peer.SignedProposal) => new Promise<peer.ProposalResponse>((resolve, reject) => {
      const callback: sendUnaryData<peer.ProposalResponse> = (error, value) => (error ? reject(error) : resolve(value!));
      (service.processProposal as (call: Pick<ServerUnaryCall<peer.SignedProposal, peer.ProposalResponse>, 'request'>, cb: typeof callback) => void)({ request }, callback);
    });
    const peerIdentity = net.signer('PTBMSP', 'peer');
    const read = await process(propose('qscc', ['GetChainInfo', TRUST_CHANNEL], peerIdentity));
    expect(read.getResponse()?.getStatus()).toBe(200);
    const write = await process(propose('lr-chaincode', ['getMeter', 'x'], peerIdentity));
    expect(write.getResponse()?.getMessage()).toMatch(/Writers/);
  });

  it('a config block\'s envelope without a config is refused when building cscc', () => {
    const empty = makeBlock(0, undefined, [configEnvelope()]);
    expect(() => createConfigChaincode({ channelId: TRUST_CHANNEL, configBlock: empty, localMspId: 'InmetroMSP', access: () => undefined })).toThrow(/carries no channel config/);
  });
});
