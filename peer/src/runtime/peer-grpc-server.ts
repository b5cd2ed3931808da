import { Server, ServerCredentials, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { boundedRequestInterceptor, largestLimit } from '@speedledger/orderer-bft/runtime';
import { DELIVER_SERVICE_DEFINITION, ENDORSER_SERVICE_DEFINITION, GATEWAY_SERVICE_DEFINITION, PEER_REQUEST_LIMITS } from '../services/index.js';
import { PeerNodeError } from './peer-node-error.js';

/** The three service implementations the peer serves on one port. */
export interface PeerServices {
  readonly endorser: UntypedServiceImplementation;
  readonly deliver: UntypedServiceImplementation;
  readonly gateway: UntypedServiceImplementation;
}

/**
 * Largest request the peer reads on any method (the largest of `PEER_REQUEST_LIMITS`): gRPC
 * refuses a larger body (RESOURCE_EXHAUSTED) before buffering it; each method's own, smaller
 * limit is checked when its request is decoded.
 */
export const MAX_REQUEST_BYTES = largestLimit(PEER_REQUEST_LIMITS);

/** Concurrent calls one client connection may hold open (Deliver streams included). */
export const MAX_STREAMS_PER_CONNECTION = 256;

/** Binds Endorser, Deliver and Gateway on `address` (port 0 picks one); resolves with the bound address. */
export async function startPeerGrpcServer(address: string, services: PeerServices): Promise<{ address: string; server: Server }> {
  // Blocks up to AbsoluteMaxBytes plus metadata go out through Deliver: the send limit stays higher.
  const server = new Server({
    'grpc.max_receive_message_length': MAX_REQUEST_BYTES, 'grpc.max_send_message_length': 64 * 1024 * 1024,
    'grpc.max_concurrent_streams': MAX_STREAMS_PER_CONNECTION, interceptors: [boundedRequestInterceptor(PEER_REQUEST_LIMITS)],
  });
  server.addService(ENDORSER_SERVICE_DEFINITION, services.endorser);
  server.addService(DELIVER_SERVICE_DEFINITION, services.deliver);
  server.addService(GATEWAY_SERVICE_DEFINITION, services.gateway);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, bound) => {
      if (error) reject(new PeerNodeError('LISTEN_FAILED', `gRPC server cannot listen on ${address}`, { address }, error));
      else resolve(bound);
    });
  });
  return { address: `${address.slice(0, address.lastIndexOf(':'))}:${port}`, server };
}
