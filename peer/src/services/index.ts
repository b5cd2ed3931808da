/** The peer's gRPC services: Endorser, Deliver and Fabric's Gateway, with their Fabric service definitions. */
export { createEndorserService } from './endorser-service.js';
export { createDeliverService, type DeliverServiceOptions } from './deliver-service.js';
export { createGatewayService, type GatewayServiceOptions } from './gateway-service.js';
export { endorseTransaction, type EndorseFailure, type EndorseInput, type GatewayEndorser } from './gateway-endorse.js';
export { chaincodeRequirement, endorsementRequirement, writtenKeys, type EndorsementRequirement, type EndorsementRequirementOptions } from './endorsement-requirement.js';
export { blockTransactions, filteredBlock, TRANSACTIONS_FILTER_INDEX, type BlockTransaction } from './block-transactions.js';
export { parseSeekRequest, type SeekRequest } from './seek-request.js';
export { prepareTransaction, uniqueEndorsements } from './prepared-transaction.js';
export { chaincodeResult, proposalParts, responseOutcome, type ProposalParts } from './proposal-parts.js';
export { gatewayRpcError, type EndpointErrorDetail } from './rpc-error.js';
export { isDenied, type CommittedBlocks, type ProposalProcessor, type RequestAuthorizer } from './service-host.js';

export {
  DELIVER_SERVICE_DEFINITION, ENDORSER_SERVICE_DEFINITION, GATEWAY_SERVICE_DEFINITION, lenientServiceDefinition, PEER_REQUEST_LIMITS,
} from './service-definitions.js';
