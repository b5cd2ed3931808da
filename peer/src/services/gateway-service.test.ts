import type { ServiceError } from '@grpc/grpc-js';
import { common, gateway, orderer, peer } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import type { Identity } from '../msp/identity.js';
import { blockTransactions, filteredBlock, TRANSACTIONS_FILTER_INDEX } from './block-transactions.js';
import { createGatewayService, type GatewayServiceOptions } from './gateway-service.js';
import { GrpcStatus } from './rpc-error.js';
import { parseSeekRequest } from './seek-request.js';
import { proposalResponse, signedProposal } from './test-support/fabric-messages.js';

type Status = common.StatusMap[keyof common.StatusMap];

function options(overrides: Partial<GatewayServiceOptions> = {}): GatewayServiceOptions {
  return {
    channelId: 'speedledger',
    local: { name: 'peer0', mspId: 'InmetroMSP', address: 'local:7051', processor: { processProposal: async () => proposalResponse(200, '', 'result', 'InmetroMSP') } },
    others: [],
    orderers: () => ['o1:7050', 'o2:7050'],
    broadcast: async () => ({ status: common.Status.SUCCESS, info: '' }),
    ledger: { height: () => 1, block: async () => undefined, waitForBlock: async () => undefined, transactionStatus: async () => ({ blockNumber: 4, code: 0 }) },
    authorizer: { authorize: () => ({ mspId: 'InmetroMSP' }) as Identity },
    requirement: async () => () => true,
    ...overrides,
  };
}

function callUnary(service: ReturnType<typeof createGatewayService>, method: string, request: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const call = { request, on: () => undefined };
    (service[method] as (c: unknown, cb: (e: ServiceError | null, v?: unknown) => void) => void)(call, (error, value) => (error ? reject(error) : resolve(value)));
  });
}

function submitRequest(signature = new Uint8Array([1]), channel = 'speedledger'): gateway.SubmitRequest {
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(new Uint8Array([1]));
  const header = new common.Header();
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  envelope.setSignature(signature);
  const request = new gateway.SubmitRequest();
  request.setChannelId(channel);
  request.setTransactionId('tx1');
  request.setPreparedTransaction(envelope);
  return request;
}

describe('gateway service argument checks', () => {
  it('Evaluate returns the chaincode result; refuses unreadable proposals and foreign channels', async () => {
    const service = createGatewayService(options());
    const request = new gateway.EvaluateRequest();
    request.setProposedTransaction(signedProposal('speedledger', 'lr-chaincode'));
    const response = (await callUnary(service, 'evaluate', request)) as gateway.EvaluateResponse;
    expect(new TextDecoder().decode(response.getResult()!.getPayload_asU8())).toBe('result');
    await expect(callUnary(service, 'evaluate', new gateway.EvaluateRequest())).rejects.toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });
    request.setProposedTransaction(signedProposal('other', 'lr-chaincode'));
    await expect(callUnary(service, 'evaluate', request)).rejects.toMatchObject({ code: GrpcStatus.UNAVAILABLE });
  });

  it('Evaluate maps a chaincode error to ABORTED with the endpoint detail', async () => {
    const service = createGatewayService(options({
      local: { name: 'p', mspId: 'InmetroMSP', address: 'local:7051', processor: { processProposal: async () => proposalResponse(500, 'UNKNOWN_METER: m1', '', 'x') } },
    }));
    const request = new gateway.EvaluateRequest();
    request.setProposedTransaction(signedProposal('speedledger', 'lr-chaincode'));
    await expect(callUnary(service, 'evaluate', request)).rejects.toMatchObject({ code: GrpcStatus.ABORTED, details: 'failed to evaluate transaction, see attached details for more info' });
  });

  it('Submit needs a signed prepared transaction; sends it to every orderer; 4xx from f+1 is final', async () => {
    const tried: string[] = [];
    const service = createGatewayService(options({
      broadcast: async (address) => {
        tried.push(address);
        if (address === 'o1:7050') return { status: common.Status.SERVICE_UNAVAILABLE as Status, info: 'pool full' };
        return { status: common.Status.SUCCESS as Status, info: '' };
      },
    }));
    await expect(callUnary(service, 'submit', new gateway.SubmitRequest())).rejects.toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });
    await expect(callUnary(service, 'submit', submitRequest(new Uint8Array()))).rejects.toMatchObject({ details: 'prepared transaction must be signed' });
    await callUnary(service, 'submit', submitRequest());
    expect(tried).toEqual(['o1:7050', 'o2:7050']);
    const refusing = createGatewayService(options({ broadcast: async () => ({ status: common.Status.BAD_REQUEST as Status, info: 'bad signature' }) }));
    await expect(callUnary(refusing, 'submit', submitRequest())).rejects.toMatchObject({ code: GrpcStatus.ABORTED });
    const down = createGatewayService(options({ broadcast: async () => { throw new Error('unreachable'); } }));
    await expect(callUnary(down, 'submit', submitRequest())).rejects.toMatchObject({ code: GrpcStatus.UNAVAILABLE, details: 'no orderers could successfully process transaction' });
  });

  it('Evaluate checks Readers, Endorse and Submit check Writers: a refused creator gets PERMISSION_DENIED before any endorser or orderer', async () => {
    let endorsed = 0;
    let broadcast = 0;
    const parts = {
      local: { name: 'p', mspId: 'InmetroMSP', address: 'local:7051', processor: { processProposal: async () => { endorsed += 1; return proposalResponse(200, '', 'result', 'InmetroMSP'); } } },
      broadcast: async () => { broadcast += 1; return { status: common.Status.SUCCESS as Status, info: '' }; },
    };
    const noReader = createGatewayService(options({ ...parts, authorizer: { authorize: () => ({ error: 'access denied: not a reader' }) } }));
    const evaluate = new gateway.EvaluateRequest();
    evaluate.setProposedTransaction(signedProposal('speedledger', 'lr-chaincode'));
    await expect(callUnary(noReader, 'evaluate', evaluate)).rejects.toMatchObject({ code: GrpcStatus.PERMISSION_DENIED, details: 'access denied: not a reader' });
    const noWriter = createGatewayService(options({ ...parts, writers: { authorize: () => ({ error: 'access denied: not a writer' }) } }));
    const endorse = new gateway.EndorseRequest();
    endorse.setProposedTransaction(signedProposal('speedledger', 'lr-chaincode'));
    await expect(callUnary(noWriter, 'endorse', endorse)).rejects.toMatchObject({ code: GrpcStatus.PERMISSION_DENIED, details: 'access denied: not a writer' });
    await expect(callUnary(noWriter, 'submit', submitRequest())).rejects.toMatchObject({ code: GrpcStatus.PERMISSION_DENIED, details: 'access denied: not a writer' });
    expect([endorsed, broadcast]).toEqual([0, 0]);
    // A reader who is no writer may still evaluate.
    await callUnary(noWriter, 'evaluate', evaluate);
    expect(endorsed).toBe(1);
  });

  it('CommitStatus checks the request, the signer, then answers from the ledger', async () => {
    const request = new gateway.CommitStatusRequest();
    request.setChannelId('speedledger');
    request.setTransactionId('tx1');
    request.setIdentity(new Uint8Array([1]));
    const signed = new gateway.SignedCommitStatusRequest();
    signed.setRequest(request.serializeBinary());
    const response = (await callUnary(createGatewayService(options()), 'commitStatus', signed)) as gateway.CommitStatusResponse;
    expect([response.getResult(), response.getBlockNumber()]).toEqual([0, 4]);
    const denied = createGatewayService(options({ authorizer: { authorize: () => ({ error: 'not a reader' }) } }));
    await expect(callUnary(denied, 'commitStatus', signed)).rejects.toMatchObject({ code: GrpcStatus.PERMISSION_DENIED, details: 'not a reader' });
    await expect(callUnary(createGatewayService(options()), 'commitStatus', new gateway.SignedCommitStatusRequest())).rejects.toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });
    request.setTransactionId('');
    signed.setRequest(request.serializeBinary());
    await expect(callUnary(createGatewayService(options()), 'commitStatus', signed)).rejects.toMatchObject({ details: 'transaction ID should not be empty' });
  });
});

function blockWith(responses: peer.ProposalResponse[], codes: number[]): common.Block {
  const block = new common.Block();
  const header = new common.BlockHeader();
  header.setNumber(3);
  block.setHeader(header);
  const data = new common.BlockData();
  data.setDataList(responses.map((r, i) => {
    const action = new peer.ChaincodeEndorsedAction();
    action.setProposalResponsePayload(r.getPayload_asU8());
    const cap = new peer.ChaincodeActionPayload();
    cap.setAction(action);
    const ta = new peer.TransactionAction();
    ta.setPayload(cap.serializeBinary());
    const tx = new peer.Transaction();
    tx.setActionsList([ta]);
    const ch = new common.ChannelHeader();
    ch.setType(common.HeaderType.ENDORSER_TRANSACTION);
    ch.setTxId(`tx${i}`);
    const h = new common.Header();
    h.setChannelHeader(ch.serializeBinary());
    const payload = new common.Payload();
    payload.setHeader(h);
    payload.setData(tx.serializeBinary());
    const envelope = new common.Envelope();
    envelope.setPayload(payload.serializeBinary());
    return envelope.serializeBinary();
  }).concat([new Uint8Array([0xff, 0x01])]));
  block.setData(data);
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList([new Uint8Array(), new Uint8Array(), new Uint8Array(), new Uint8Array()]);
  const list = metadata.getMetadataList_asU8();
  list[TRANSACTIONS_FILTER_INDEX] = Uint8Array.from(codes);
  metadata.setMetadataList(list);
  block.setMetadata(metadata);
  return block;
}

describe('committed block views', () => {
  const block = blockWith([
    proposalResponse(200, '', 'x', 'p', { name: 'ReadingSubmitted', chaincodeId: 'lr-chaincode', txId: 'tx0' }),
    proposalResponse(200, '', 'y', 'p'),
  ], [0, 11, 10]);

  it('reads ids, codes and events; an unreadable envelope keeps its code', () => {
    const txs = blockTransactions(block);
    expect(txs.map((t) => [t.txId, t.code, t.event?.getEventName()])).toEqual([['tx0', 0, 'ReadingSubmitted'], ['tx1', 11, undefined], ['', 10, undefined]]);
  });

  it('filtered blocks strip event payloads', () => {
    const filtered = filteredBlock(block, 'speedledger');
    expect(filtered.getNumber()).toBe(3);
    const event = filtered.getFilteredTransactionsList()[0]!.getTransactionActions()!.getChaincodeActionsList()[0]!.getChaincodeEvent()!;
    expect([event.getEventName(), event.getPayload_asU8().byteLength]).toEqual(['ReadingSubmitted', 0]);
  });
});

describe('deliver seek requests', () => {
  function seek(start: orderer.SeekPosition, stop: orderer.SeekPosition, type: number = common.HeaderType.DELIVER_SEEK_INFO, channel = 'speedledger'): common.Envelope {
    const info = new orderer.SeekInfo();
    info.setStart(start);
    info.setStop(stop);
    const ch = new common.ChannelHeader();
    ch.setType(type as common.HeaderTypeMap[keyof common.HeaderTypeMap]);
    ch.setChannelId(channel);
    const h = new common.Header();
    h.setChannelHeader(ch.serializeBinary());
    h.setSignatureHeader(new common.SignatureHeader().serializeBinary());
    const payload = new common.Payload();
    payload.setHeader(h);
    payload.setData(info.serializeBinary());
    const envelope = new common.Envelope();
    envelope.setPayload(payload.serializeBinary());
    return envelope;
  }
  const oldest = () => { const p = new orderer.SeekPosition(); p.setOldest(new orderer.SeekOldest()); return p; };
  const newest = () => { const p = new orderer.SeekPosition(); p.setNewest(new orderer.SeekNewest()); return p; };
  const at = (n: number) => { const p = new orderer.SeekPosition(); const s = new orderer.SeekSpecified(); s.setNumber(n); p.setSpecified(s); return p; };

  it('resolves oldest/newest/specified against the height', () => {
    expect(parseSeekRequest(seek(oldest(), newest()), 'speedledger', 5)).toMatchObject({ start: 0, stop: 4, blockUntilReady: true });
    expect(parseSeekRequest(seek(at(7), at(9)), 'speedledger', 5)).toMatchObject({ start: 7, stop: 9 });
  });

  it('refuses wrong types, channels, missing positions and inverted ranges', () => {
    expect(parseSeekRequest(seek(oldest(), newest(), common.HeaderType.ENDORSER_TRANSACTION), 'speedledger', 5)).toMatchObject({ status: common.Status.BAD_REQUEST });
    expect(parseSeekRequest(seek(oldest(), newest(), common.HeaderType.DELIVER_SEEK_INFO, 'x'), 'speedledger', 5)).toMatchObject({ status: common.Status.NOT_FOUND });
    expect(parseSeekRequest(seek(new orderer.SeekPosition(), newest()), 'speedledger', 5)).toMatchObject({ error: 'seek start position is missing' });
    expect(parseSeekRequest(seek(at(4), at(2)), 'speedledger', 5)).toMatchObject({ error: 'seek start 4 is after stop 2' });
    const garbage = new common.Envelope();
    garbage.setPayload(new Uint8Array([0xff]));
    expect(parseSeekRequest(garbage, 'speedledger', 5)).toMatchObject({ status: common.Status.BAD_REQUEST });
  });
});
