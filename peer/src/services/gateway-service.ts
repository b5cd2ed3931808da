import type { sendUnaryData, ServerUnaryCall, ServerWritableStream, ServiceError, UntypedServiceImplementation } from '@grpc/grpc-js';
import { common, gateway, orderer, peer } from '@hyperledger/fabric-protos';
import { blockTransactions } from './block-transactions.js';
import { submitToOrderers } from './bft-submit.js';
import type { EndorsementRequirement } from './endorsement-requirement.js';
import { endorseTransaction, type GatewayEndorser } from './gateway-endorse.js';
import { chaincodeResult, proposalParts, responseOutcome } from './proposal-parts.js';
import { gatewayRpcError, GrpcStatus, type EndpointErrorDetail } from './rpc-error.js';
import { isDenied, type CommittedBlocks, type RequestAuthorizer } from './service-host.js';
import { decodeBounded } from '@speedledger/orderer-bft';

type Status = common.StatusMap[keyof common.StatusMap];

/** Everything the Gateway service talks to. */
export interface GatewayServiceOptions {
  readonly channelId: string;
  /** This peer (its endorser processes proposals in process). */
  readonly local: GatewayEndorser;
  /** Other organisations' peers that may be asked to endorse. */
  readonly others: readonly GatewayEndorser[];
  /** The channel's orderer addresses (a submission goes to all of them). */
  orderers(): readonly string[];
  /** Broadcasts one envelope to one orderer; rejects on transport failure. */
  broadcast(address: string, envelope: common.Envelope): Promise<{ readonly status: Status; readonly info: string }>;
  readonly ledger: CommittedBlocks;
  /** Checks a signed read (Evaluate, CommitStatus, ChaincodeEvents) against the channel's Readers policy. */
  readonly authorizer: RequestAuthorizer;
  /** Checks a signed write (Endorse, Submit) against the channel's Writers policy; default: {@link authorizer}. */
  readonly writers?: RequestAuthorizer;
  /** The policies a transaction needs, from the local endorser's response. */
  requirement(response: peer.ProposalResponse, chaincodeName: string): Promise<EndorsementRequirement | { readonly error: string }>;
  /** The chaincode's own policy before endorsing (chooses the first endorser); optional. */
  chaincodeRequirement?(chaincodeName: string): Promise<EndorsementRequirement | undefined>;
}

function abortSignalOf(call: { on(event: 'cancelled', listener: () => void): unknown }): AbortSignal {
  const abort = new AbortController();
  call.on('cancelled', () => abort.abort());
  return abort.signal;
}

/** Evaluate: the local peer simulates; its chaincode response (with the result payload) is returned. */
async function evaluate(options: GatewayServiceOptions, request: gateway.EvaluateRequest): Promise<gateway.EvaluateResponse> {
  const parts = proposalParts(request.getProposedTransaction());
  if ('error' in parts) throw gatewayRpcError(GrpcStatus.INVALID_ARGUMENT, `failed to unpack transaction proposal: ${parts.error}`);
  if (parts.channelId !== options.channelId) throw gatewayRpcError(GrpcStatus.UNAVAILABLE, `channel '${parts.channelId}' is not served by this gateway`);
  const reader = options.authorizer.authorize(parts.creator, parts.proposalBytes, parts.signature);
  if (isDenied(reader)) throw gatewayRpcError(GrpcStatus.PERMISSION_DENIED, reader.error);
  const { local } = options;
  const detail = (message: string): EndpointErrorDetail => ({ address: local.address, mspId: local.mspId, message });
  let response: peer.ProposalResponse;
  try {
    response = await local.processor.processProposal(request.getProposedTransaction()!);
  } catch (error) {
    throw gatewayRpcError(GrpcStatus.UNAVAILABLE, 'failed to evaluate transaction, see attached details for more info', [detail((error as Error).message)]);
  }
  const outcome = responseOutcome(response);
  if (!outcome.ok) {
    // As Fabric: an aborted evaluation is retried on another peer of the plan; this gateway has no other evaluator.
    if (outcome.aborted) throw gatewayRpcError(GrpcStatus.ABORTED, 'failed to evaluate transaction, see attached details for more info', [detail(outcome.message)]);
    throw gatewayRpcError(GrpcStatus.UNKNOWN, `evaluate call to endorser returned error: ${outcome.message}`, [detail(outcome.message)]);
  }
  const result = response.getResponse() ?? new peer.Response();
  try {
    result.setPayload(chaincodeResult(response));
  } catch {
    // Fabric logs and returns the response as is when the payload carries no result.
  }
  const answer = new gateway.EvaluateResponse();
  answer.setResult(result);
  return answer;
}

async function endorse(options: GatewayServiceOptions, request: gateway.EndorseRequest): Promise<gateway.EndorseResponse> {
  const signed = request.getProposedTransaction();
  const parts = proposalParts(signed);
  if ('error' in parts) throw gatewayRpcError(GrpcStatus.INVALID_ARGUMENT, parts.error);
  if (parts.channelId !== options.channelId) throw gatewayRpcError(GrpcStatus.UNAVAILABLE, `channel '${parts.channelId}' is not served by this gateway`);
  const writer = (options.writers ?? options.authorizer).authorize(parts.creator, parts.proposalBytes, parts.signature);
  if (isDenied(writer)) throw gatewayRpcError(GrpcStatus.PERMISSION_DENIED, writer.error);
  const outcome = await endorseTransaction({
    parts, signed: signed!, local: options.local, others: options.others,
    requirement: (first) => options.requirement(first, parts.chaincodeName),
    endorsingOrganizations: request.getEndorsingOrganizationsList(),
    chaincodePolicy: await options.chaincodeRequirement?.(parts.chaincodeName),
  });
  if ('failure' in outcome) {
    const { failure } = outcome;
    switch (failure.kind) {
      case 'first-endorser':
        throw gatewayRpcError(GrpcStatus.ABORTED, 'failed to endorse transaction, see attached details for more info', failure.details);
      case 'no-plan':
        throw gatewayRpcError(GrpcStatus.FAILED_PRECONDITION, failure.message);
      case 'insufficient':
        throw gatewayRpcError(GrpcStatus.ABORTED, 'failed to collect enough transaction endorsements, see attached details for more info', failure.details);
    }
  }
  const answer = new gateway.EndorseResponse();
  answer.setPreparedTransaction(outcome.prepared);
  return answer;
}

/** The creator of a prepared transaction (its payload's signature header), or undefined if unreadable. */
function envelopeCreator(envelope: common.Envelope): Uint8Array | undefined {
  try {
    const header = decodeBounded(common.Payload, envelope.getPayload_asU8()).getHeader();
    return header === undefined ? undefined : decodeBounded(common.SignatureHeader, header.getSignatureHeader_asU8()).getCreator_asU8();
  } catch {
    return undefined;
  }
}

async function submit(options: GatewayServiceOptions, request: gateway.SubmitRequest): Promise<gateway.SubmitResponse> {
  const envelope = request.getPreparedTransaction();
  if (envelope === undefined) throw gatewayRpcError(GrpcStatus.INVALID_ARGUMENT, 'a prepared transaction is required');
  if (envelope.getSignature_asU8().byteLength === 0) throw gatewayRpcError(GrpcStatus.INVALID_ARGUMENT, 'prepared transaction must be signed');
  if (request.getChannelId() !== options.channelId) throw gatewayRpcError(GrpcStatus.FAILED_PRECONDITION, `channel '${request.getChannelId()}' is not served by this gateway`);
  const creator = envelopeCreator(envelope);
  if (creator === undefined) throw gatewayRpcError(GrpcStatus.INVALID_ARGUMENT, 'prepared transaction has no readable signature header');
  const writer = (options.writers ?? options.authorizer).authorize(creator, envelope.getPayload_asU8(), envelope.getSignature_asU8());
  if (isDenied(writer)) throw gatewayRpcError(GrpcStatus.PERMISSION_DENIED, writer.error);
  const orderers = options.orderers();
  if (orderers.length === 0) throw gatewayRpcError(GrpcStatus.UNAVAILABLE, 'no orderer nodes available');
  const outcome = await submitToOrderers(orderers, (address) => options.broadcast(address, envelope));
  if (outcome.ok) return new gateway.SubmitResponse();
  if (outcome.kind === 'refused') {
    throw gatewayRpcError(GrpcStatus.ABORTED, 'orderers refused the transaction, see attached details for more info', outcome.details);
  }
  throw gatewayRpcError(GrpcStatus.UNAVAILABLE, 'no orderers could successfully process transaction', outcome.details);
}

async function commitStatus(options: GatewayServiceOptions, signed: gateway.SignedCommitStatusRequest, signal: AbortSignal): Promise<gateway.CommitStatusResponse> {
  const bytes = signed.getRequest_asU8();
  if (bytes.byteLength === 0) throw gatewayRpcError(GrpcStatus.INVALID_ARGUMENT, 'a commit status request is required');
  let request: gateway.CommitStatusRequest;
  try {
    request = decodeBounded(gateway.CommitStatusRequest, bytes);
  } catch (cause) {
    throw gatewayRpcError(GrpcStatus.INVALID_ARGUMENT, `invalid status request: ${(cause as Error).message}`);
  }
  if (request.getIdentity_asU8().byteLength === 0) throw gatewayRpcError(GrpcStatus.INVALID_ARGUMENT, 'no identity provided');
  if (request.getChannelId() === '') throw gatewayRpcError(GrpcStatus.INVALID_ARGUMENT, 'no channel ID provided');
  if (request.getTransactionId() === '') throw gatewayRpcError(GrpcStatus.INVALID_ARGUMENT, 'transaction ID should not be empty');
  if (request.getChannelId() !== options.channelId) throw gatewayRpcError(GrpcStatus.NOT_FOUND, `channel '${request.getChannelId()}' is not served by this gateway`);
  const who = options.authorizer.authorize(request.getIdentity_asU8(), bytes, signed.getSignature_asU8());
  if (isDenied(who)) throw gatewayRpcError(GrpcStatus.PERMISSION_DENIED, who.error);
  while (!signal.aborted) {
    const height = options.ledger.height();
    const status = await options.ledger.transactionStatus(request.getTransactionId());
    if (status !== undefined) {
      const answer = new gateway.CommitStatusResponse();
      answer.setResult(status.code as peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap]);
      answer.setBlockNumber(status.blockNumber);
      return answer;
    }
    await options.ledger.waitForBlock(height, signal);
  }
  throw gatewayRpcError(GrpcStatus.CANCELLED, 'commit status request cancelled');
}

async function chaincodeEvents(options: GatewayServiceOptions, call: ServerWritableStream<gateway.SignedChaincodeEventsRequest, gateway.ChaincodeEventsResponse>): Promise<void> {
  const signed = call.request;
  const bytes = signed.getRequest_asU8();
  if (bytes.byteLength === 0) throw gatewayRpcError(GrpcStatus.INVALID_ARGUMENT, 'a chaincode events request is required');
  let request: gateway.ChaincodeEventsRequest;
  try {
    request = decodeBounded(gateway.ChaincodeEventsRequest, bytes);
  } catch (cause) {
    throw gatewayRpcError(GrpcStatus.INVALID_ARGUMENT, `invalid chaincode events request: ${(cause as Error).message}`);
  }
  const who = options.authorizer.authorize(request.getIdentity_asU8(), bytes, signed.getSignature_asU8());
  if (isDenied(who)) throw gatewayRpcError(GrpcStatus.PERMISSION_DENIED, who.error);
  if (request.getChannelId() !== options.channelId) throw gatewayRpcError(GrpcStatus.NOT_FOUND, `channel '${request.getChannelId()}' is not served by this gateway`);

  const afterTxId = request.getAfterTransactionId();
  let start: number | undefined;
  if (afterTxId !== '') start = (await options.ledger.transactionStatus(afterTxId))?.blockNumber;
  if (start === undefined) {
    const position = request.getStartPosition();
    switch (position?.getTypeCase() ?? orderer.SeekPosition.TypeCase.TYPE_NOT_SET) {
      case orderer.SeekPosition.TypeCase.SPECIFIED:
        start = position!.getSpecified()!.getNumber();
        break;
      case orderer.SeekPosition.TypeCase.TYPE_NOT_SET:
      case orderer.SeekPosition.TypeCase.NEXT_COMMIT:
        start = options.ledger.height();
        break;
      default:
        throw gatewayRpcError(GrpcStatus.INVALID_ARGUMENT, `invalid start position type: ${position!.getTypeCase()}`);
    }
  }
  const signal = abortSignalOf(call);
  let passedAfter = afterTxId === '';
  for (let n = start; !signal.aborted; n += 1) {
    if (n >= options.ledger.height()) await options.ledger.waitForBlock(n, signal);
    if (signal.aborted) return;
    const block = await options.ledger.block(n);
    if (block === undefined) throw gatewayRpcError(GrpcStatus.ABORTED, `block ${n} is not available`);
    const events: peer.ChaincodeEvent[] = [];
    for (const tx of blockTransactions(block)) {
      if (tx.code !== peer.TxValidationCode.VALID || tx.event === undefined) continue;
      if (!passedAfter) {
        passedAfter = tx.event.getTxId() === afterTxId;
        continue;
      }
      if (tx.event.getChaincodeId() === request.getChaincodeId()) events.push(tx.event);
    }
    if (events.length === 0) continue;
    const response = new gateway.ChaincodeEventsResponse();
    response.setEventsList(events);
    response.setBlockNumber(n);
    if (!call.write(response)) await new Promise<void>((resolve) => call.once('drain', resolve));
  }
}

function unary<Req, Res>(run: (request: Req, signal: AbortSignal) => Promise<Res>) {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
    run(call.request, abortSignalOf(call)).then(
      (response) => callback(null, response),
      (error: unknown) => callback(isServiceError(error) ? error : gatewayRpcError(GrpcStatus.INTERNAL, (error as Error).message)),
    );
  };
}

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && (error as Partial<ServiceError>).metadata !== undefined;
}

/**
 * Fabric's `gateway.Gateway` service over this peer: Evaluate, Endorse (local first, then other
 * organisations' peers as the policies require), Submit (orderers in turn), CommitStatus and
 * ChaincodeEvents, with errors as gRPC statuses carrying `gateway.ErrorDetail`s.
 */
export function createGatewayService(options: GatewayServiceOptions): UntypedServiceImplementation {
  return {
    evaluate: unary((request: gateway.EvaluateRequest) => evaluate(options, request)),
    endorse: unary((request: gateway.EndorseRequest) => endorse(options, request)),
    submit: unary((request: gateway.SubmitRequest) => submit(options, request)),
    commitStatus: unary((request: gateway.SignedCommitStatusRequest, signal) => commitStatus(options, request, signal)),
    chaincodeEvents(call: ServerWritableStream<gateway.SignedChaincodeEventsRequest, gateway.ChaincodeEventsResponse>): void {
      chaincodeEvents(options, call).then(
        () => call.end(),
        (error: unknown) => call.emit('error', isServiceError(error) ? error : gatewayRpcError(GrpcStatus.INTERNAL, (error as Error).message)),
      );
    },
  };
}
