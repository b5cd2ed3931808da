import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import { gateway, peer } from '@hyperledger/fabric-protos';

/** Any generated protobuf message. */
interface Message {
  serializeBinary(): Uint8Array;
}

const toBuffer = (message: Message): Buffer => {
  const bytes = message.serializeBinary();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};

/**
 * The generated definition with serialisers that do not check the message class: a process
 * holding several fabric-protos copies (orderer-bft, fabric-shim each bring one, and generated
 * code shares one global namespace) may hand us an equal message of another copy, which the
 * generated `instanceof` check would refuse as "Error serializing response".
 */
export function lenientServiceDefinition(definition: object): ServiceDefinition {
  const result: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(definition as Record<string, MethodDefinition<unknown, unknown>>)) {
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
