import { credentials, makeGenericClientConstructor, status, type ServiceError } from '@grpc/grpc-js';
import { gateway } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPeerGrpcServer } from './peer-grpc-server.js';

// Raw bytes on the wire: identity serialisers, so the hostile message reaches the peer untouched.
const identity = (b: Buffer): Buffer => b;
const RawGateway = makeGenericClientConstructor({
  endorse: { path: '/gateway.Gateway/Endorse', requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity },
}, 'RawGateway');
// Issue 17: field 1 declares 2^32-1 bytes; google-protobuf 0.3.7-era decoding loops on it forever.
const HOSTILE = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, ...new Array<number>(64).fill(0x41)]);
let handled = 0;
let stop: () => void;
let client: InstanceType<typeof RawGateway>;

function endorse(bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    client.endorse!(bytes, { deadline: Date.now() + 10_000 }, (error: ServiceError | null, response: Buffer) => (error ? reject(error) : resolve(response)));
  });
}

beforeAll(async () => {
  const { address, server } = await startPeerGrpcServer('127.0.0.1:0', {
    endorser: {},
    deliver: {},
    gateway: {
      endorse: (_call: unknown, done: (error: null, response: gateway.EndorseResponse) => void) => {
        handled += 1;
        done(null, new gateway.EndorseResponse());
      },
    },
  });
  stop = () => server.forceShutdown();
  client = new RawGateway(address, credentials.createInsecure());
});

afterAll(() => {
  client?.close();
  stop?.();
});

describe('hostile protobuf on the peer gRPC server', { timeout: 30_000 }, () => {
  it('refuses the 70-byte freeze message before any handler and serves the next request', async () => {
    // grpc-js turns any request-deserialiser failure into INTERNAL "Error deserializing request".
    await expect(endorse(HOSTILE)).rejects.toMatchObject({ code: status.INTERNAL });
    expect(handled).toBe(0);
    const good = new gateway.EndorseRequest();
    good.setTransactionId('tx1');
    await expect(endorse(Buffer.from(good.serializeBinary()))).resolves.toBeInstanceOf(Buffer);
    expect(handled).toBe(1);
  });
});
