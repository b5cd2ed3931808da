import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import { gateway, peer } from '@hyperledger/fabric-protos';
import { boundedServiceDefinition, DEFAULT_MAX_ENVELOPE_BYTES, type RequestLimits } from '@speedledger/orderer-bft/runtime';

/** Any generated protobuf message. */
interface Message {
  serializeBinary(): Uint8Array;
}

const toBuffer = (message: Message): Buffer => {
  const bytes = message.serializeBinary();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};

const KiB = 1024;
/** The orderers' envelope limit (`maxEnvelopeBytes`, 3 MiB by default): nothing larger can be ordered. */
const ENVELOPE_BYTES = DEFAULT_MAX_ENVELOPE_BYTES;
/** Room for the wrapper around an envelope-sized body (signatures, certificates, field keys). */
const MARGIN = 64 * KiB;

/**
 * Largest request per method, from what it can legitimately carry: a proposal or a prepared
 * transaction becomes an envelope (≤ {@link ENVELOPE_BYTES}); a Deliver seek, a commit-status or a
 * chaincode-events request is a signed header of a few KiB. Larger requests get RESOURCE_EXHAUSTED.
 */
export const PEER_REQUEST_LIMITS: RequestLimits = {
  '/protos.Endorser/ProcessProposal': ENVELOPE_BYTES + MARGIN,
  '/gateway.Gateway/Evaluate': ENVELOPE_BYTES + MARGIN,
  '/gateway.Gateway/Endorse': ENVELOPE_BYTES + MARGIN,
  '/gateway.Gateway/Submit': ENVELOPE_BYTES + MARGIN,
  '/gateway.Gateway/CommitStatus': 64 * KiB,
  '/gateway.Gateway/ChaincodeEvents': 64 * KiB,
  '/protos.Deliver/Deliver': 64 * KiB,
  '/protos.Deliver/DeliverFiltered': 64 * KiB,
  '/protos.Deliver/DeliverWithPrivateData': 64 * KiB,
};
/** For a method the table does not name (none today): the smallest limit. */
const FALLBACK_LIMIT = 64 * KiB;

/**
 * The generated definition with serialisers that do not check the message class: a process
 * holding several fabric-protos copies (orderer-bft, fabric-shim each bring one, and generated
 * code shares one global namespace) may hand us an equal message of another copy, which the
 * generated `instanceof` check would refuse as "Error serializing response". Every request is
 * size-checked against {@link PEER_REQUEST_LIMITS} and decoded by a bounded decoder
 * (`boundedServiceDefinition`): google-protobuf alone loops forever on a field length beyond its
 * message (issue 17). A refused request gets INVALID_ARGUMENT or RESOURCE_EXHAUSTED from
 * `refusedRequestInterceptor` before any handler; the server keeps serving.
 */
export function lenientServiceDefinition(definition: object): ServiceDefinition {
  const result: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(boundedServiceDefinition(definition, PEER_REQUEST_LIMITS, FALLBACK_LIMIT))) {
    result[name] = { ...method, requestSerialize: (m) => toBuffer(m as Message), responseSerialize: (m) => toBuffer(m as Message) };
  }
  return result as ServiceDefinition;
}
/** `protos.Endorser` (ProcessProposal). */
export const ENDORSER_SERVICE_DEFINITION: ServiceDefinition = lenientServiceDefinition(peer.EndorserService);
/** `protos.Deliver` (Deliver, DeliverFiltered, DeliverWithPrivateData). */
export const DELIVER_SERVICE_DEFINITION: ServiceDefinition = lenientServiceDefinition(peer.DeliverService);
/** `gateway.Gateway` (Evaluate, Endorse, Submit, CommitStatus, ChaincodeEvents). */
export const GATEWAY_SERVICE_DEFINITION: ServiceDefinition = lenientServiceDefinition(gateway.GatewayService);
