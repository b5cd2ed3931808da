import { Server, ServerCredentials, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { DELIVER_SERVICE_DEFINITION, ENDORSER_SERVICE_DEFINITION, GATEWAY_SERVICE_DEFINITION } from '../services/index.js';
import { PeerNodeError } from './peer-node-error.js';

/** The three service implementations the peer serves on one port. */
export interface PeerServices {
  readonly endorser: UntypedServiceImplementation;
  readonly deliver: UntypedServiceImplementation;
  readonly gateway: UntypedServiceImplementation;
}

/** Binds Endorser, Deliver and Gateway on `address` (port 0 picks one); resolves with the bound address. */
export async function startPeerGrpcServer(address: string, services: PeerServices): Promise<{ address: string; server: Server }> {
  const server = new Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024, 'grpc.max_send_message_length': 64 * 1024 * 1024 });
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
