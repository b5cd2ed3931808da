import { credentials, makeGenericClientConstructor, type Client, type ClientDuplexStream, type ServiceDefinition } from '@grpc/grpc-js';
import { orderer } from '@hyperledger/fabric-protos';
import { decodeBounded } from '@speedledger/orderer-bft';

/**
 * `orderer.AtomicBroadcast/Deliver` with requests as raw bytes. The generated service definition
 * checks requests with `instanceof`, and an envelope built by orderer-bft (its own copy of the
 * protobuf classes) may fail that check in the peer's process; bytes cannot.
 */
const DELIVER_SERVICE: ServiceDefinition = {
  deliver: {
    path: '/orderer.AtomicBroadcast/Deliver',
    requestStream: true,
    responseStream: true,
    requestSerialize: (request: Uint8Array) => Buffer.from(request),
    requestDeserialize: (bytes: Buffer) => new Uint8Array(bytes),
    responseSerialize: (response: orderer.DeliverResponse) => Buffer.from(response.serializeBinary()),
    responseDeserialize: (bytes: Buffer) => decodeBounded(orderer.DeliverResponse, new Uint8Array(bytes)),
  },
};

const DeliverClientConstructor = makeGenericClientConstructor(DELIVER_SERVICE, 'AtomicBroadcast');

/** A Deliver stream: write serialised seek envelopes, read `orderer.DeliverResponse`s. */
export type DeliverCall = ClientDuplexStream<Uint8Array, orderer.DeliverResponse>;

/** A gRPC client (insecure, loopback/TLS-less as the embedded network runs) for one orderer endpoint. */
export function createDeliverClient(endpoint: string): Client {
  return new DeliverClientConstructor(endpoint, credentials.createInsecure(), { 'grpc.max_receive_message_length': 128 * 1024 * 1024 });
}

/** Opens a Deliver stream on `client`, optionally with a deadline. */
export function openDeliver(client: Client, deadlineMs?: number): DeliverCall {
  const options = deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs };
  return (client as unknown as { deliver(options: object): DeliverCall }).deliver(options);
}
