import { credentials, makeGenericClientConstructor, status, type ServiceError } from '@grpc/grpc-js';
import { gateway, peer } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEER_REQUEST_LIMITS } from '../services/index.js';
import { startPeerGrpcServer } from './peer-grpc-server.js';

// Raw bytes on the wire: identity serialisers, so the hostile message reaches the peer untouched.
const identity = (b: Buffer): Buffer => b;
const unary = (path: string) => ({ path, requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity });
const UNARY_PATHS = ['/gateway.Gateway/Endorse', '/gateway.Gateway/Evaluate', '/gateway.Gateway/Submit', '/gateway.Gateway/CommitStatus', '/protos.Endorser/ProcessProposal'] as const;
const RawPeer = makeGenericClientConstructor({
  ...Object.fromEntries(UNARY_PATHS.map((path) => [path, unary(path)])),
  deliver: { ...unary('/protos.Deliver/Deliver'), requestStream: true, responseStream: true },
}, 'RawPeer');
// Issue 17: field 1 declares 2^32-1 bytes; google-protobuf 3.21 decoding loops on it forever.
const FREEZE = [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, ...new Array<number>(64).fill(0x41)];
const HOSTILE = Buffer.from(FREEZE);
/** EndorseRequest { proposed_transaction: SignedProposal { <freeze> } }: passes a one-level pre-scan. */
const NESTED = Buffer.from([0x1a, FREEZE.length, 0x0a, ...FREEZE.slice(1)]);
let handled = 0;
let stop: () => void;
let client: InstanceType<typeof RawPeer>;

function call(path: string, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const method = (client as unknown as Record<string, (b: Buffer, o: object, cb: (e: ServiceError | null, r: Buffer) => void) => void>)[path]!;
    method.call(client, bytes, { deadline: Date.now() + 10_000 }, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

function deliver(bytes: Buffer): Promise<ServiceError> {
  return new Promise((resolve, reject) => {
    const stream = (client as unknown as { deliver(o: object): NodeJS.ReadWriteStream }).deliver({ deadline: Date.now() + 10_000 });
    stream.on('data', () => reject(new Error('a response to a hostile seek')));
    stream.on('error', (error: ServiceError) => resolve(error));
    stream.write(bytes);
  });
}

const answer = (response: { serializeBinary(): Uint8Array }) => (_call: unknown, done: (error: null, response: unknown) => void) => {
  handled += 1;
  done(null, response);
};

beforeAll(async () => {
  const { address, server } = await startPeerGrpcServer('127.0.0.1:0', {
    endorser: { processProposal: answer(new peer.ProposalResponse()) },
    deliver: { deliver: (stream: NodeJS.EventEmitter) => stream.on('data', () => { handled += 1; }) },
    gateway: {
      endorse: answer(new gateway.EndorseResponse()), evaluate: answer(new gateway.EvaluateResponse()),
      submit: answer(new gateway.SubmitResponse()), commitStatus: answer(new gateway.CommitStatusResponse()),
    },
  });
  stop = () => server.forceShutdown();
  client = new RawPeer(address, credentials.createInsecure(), { 'grpc.max_send_message_length': -1 });
});

afterAll(() => {
  client?.close();
  stop?.();
});

describe('hostile protobuf on the peer gRPC server', { timeout: 60_000 }, () => {
  it.each(UNARY_PATHS)('%s: the 70-byte freeze message gets INVALID_ARGUMENT before any handler, the next request is served', async (path) => {
    handled = 0;
    await expect(call(path, HOSTILE)).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringMatching(/declares 4294967295 bytes/) });
    expect(handled).toBe(0);
    await expect(call(path, Buffer.alloc(0))).resolves.toBeInstanceOf(Buffer);
    expect(handled).toBe(1);
  });

  it('a freeze length one level down (inside the SignedProposal) is refused too', async () => {
    handled = 0;
    await expect(call('/gateway.Gateway/Endorse', NESTED)).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringMatching(/\/gateway.Gateway\/Endorse: request is not a valid message/) });
    expect(handled).toBe(0);
  });

  it('Deliver: a hostile seek envelope ends the stream with INVALID_ARGUMENT before the handler', async () => {
    handled = 0;
    expect(await deliver(HOSTILE)).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(handled).toBe(0);
  });

  it('per-method limits: a CommitStatus request above its 64 KiB limit gets RESOURCE_EXHAUSTED, a proposal that size is served', async () => {
    handled = 0;
    const limit = PEER_REQUEST_LIMITS['/gateway.Gateway/CommitStatus']!;
    const big = new gateway.SignedCommitStatusRequest();
    big.setRequest(new Uint8Array(limit));
    await expect(call('/gateway.Gateway/CommitStatus', Buffer.from(big.serializeBinary()))).rejects.toMatchObject({
      // Refused from the gRPC length prefix by grpc-js, before the body is buffered.
      code: status.RESOURCE_EXHAUSTED, details: expect.stringMatching(/larger than max \(\d+ vs 65536\)/),
    });
    expect(handled).toBe(0);
    const proposal = new peer.SignedProposal();
    proposal.setProposalBytes(new Uint8Array(limit));
    await expect(call('/protos.Endorser/ProcessProposal', Buffer.from(proposal.serializeBinary()))).resolves.toBeInstanceOf(Buffer);
    expect(handled).toBe(1);
  });
});
