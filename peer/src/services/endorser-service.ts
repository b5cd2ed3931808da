import type { sendUnaryData, ServerUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import { peer } from '@hyperledger/fabric-protos';
import { proposalParts } from './proposal-parts.js';
import { gatewayRpcError, GrpcStatus } from './rpc-error.js';
import { isDenied, type ProposalProcessor, type RequestAuthorizer } from './service-host.js';

function denied(message: string): peer.ProposalResponse {
  const response = new peer.Response();
  response.setStatus(500);
  response.setMessage(message);
  const out = new peer.ProposalResponse();
  out.setVersion(1);
  out.setResponse(response);
  return out;
}

/**
 * `protos.Endorser`: ProcessProposal answered by the local endorser. The endorser reports
 * refusals inside the ProposalResponse (as Fabric does); only an unexpected failure becomes a
 * gRPC error. With `writers`, the proposal's creator must satisfy it first (Fabric's
 * `peer/Propose` ACL, the channel's Writers policy); a refusal is a status-500 response.
 * Chaincodes named in `ownAccessControl` (qscc, cscc) are exempt: as on Fabric, they check
 * their own ACL (the Readers policy), so a reader who may not write can still query.
 */
export function createEndorserService(endorser: ProposalProcessor, writers?: RequestAuthorizer, ownAccessControl: ReadonlySet<string> = new Set()): UntypedServiceImplementation {
  return {
    processProposal(call: ServerUnaryCall<peer.SignedProposal, peer.ProposalResponse>, callback: sendUnaryData<peer.ProposalResponse>): void {
      if (writers !== undefined) {
        const parts = proposalParts(call.request);
        // Unreadable proposals are the endorser's to refuse, with its own reasons.
        if (!('error' in parts) && !ownAccessControl.has(parts.chaincodeName)) {
          const who = writers.authorize(parts.creator, parts.proposalBytes, parts.signature);
          if (isDenied(who)) return callback(null, denied(who.error));
        }
      }
      endorser.processProposal(call.request).then(
        (response) => callback(null, response),
        (error: unknown) => callback(gatewayRpcError(GrpcStatus.INTERNAL, `endorsement failed: ${(error as Error).message}`)),
      );
    },
  };
}
