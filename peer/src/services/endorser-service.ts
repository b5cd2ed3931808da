import type { sendUnaryData, ServerUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { peer } from '@hyperledger/fabric-protos';
import { gatewayRpcError, GrpcStatus } from './rpc-error.js';
import type { ProposalProcessor } from './service-host.js';

/**
 * `protos.Endorser`: ProcessProposal answered by the local endorser. The endorser reports
 * refusals inside the ProposalResponse (as Fabric does); only an unexpected failure becomes a
 * gRPC error.
 */
export function createEndorserService(endorser: ProposalProcessor): UntypedServiceImplementation {
  return {
    processProposal(call: ServerUnaryCall<peer.SignedProposal, peer.ProposalResponse>, callback: sendUnaryData<peer.ProposalResponse>): void {
      endorser.processProposal(call.request).then(
        (response) => callback(null, response),
        (error: unknown) => callback(gatewayRpcError(GrpcStatus.INTERNAL, `endorsement failed: ${(error as Error).message}`)),
      );
    },
  };
}
