import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import { gateway, peer } from '@hyperledger/fabric-protos';
import { prescanWire } from '@speedledger/orderer-bft';

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
 * generated `instanceof` check would refuse as "Error serializing response". Every request is
 * pre-scanned ({@link prescanWire}) before google-protobuf decodes it: that decoder loops forever
 * on a field length beyond the message (issue 17); a malformed request fails the call, the server
 * keeps serving.
 */
export function lenientServiceDefinition(definition: object): ServiceDefinition {
  const result: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(definition as Record<string, MethodDefinition<unknown, unknown>>)) {
    const decode = method.requestDeserialize;
    result[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        prescanWire(bytes);
        return decode(bytes);
      },
      requestSerialize: (m) => toBuffer(m as Message), responseSerialize: (m) => toBuffer(m as Message) };
  }
  return result as ServiceDefinition;
}

/** `protos.Endorser` (ProcessProposal). */
export const ENDORSER_SERVICE_DEFINITION: ServiceDefinition = lenientServiceDefinition(peer.EndorserService);
/** `protos.Deliver` (Deliver, DeliverFiltered, DeliverWithPrivateData). */
export const DELIVER_SERVICE_DEFINITION: ServiceDefinition = lenientServiceDefinition(peer.DeliverService);
/** `gateway.Gateway` (Evaluate, Endorse, Submit, CommitStatus, ChaincodeEvents). */
export const GATEWAY_SERVICE_DEFINITION: ServiceDefinition = lenientServiceDefinition(gateway.GatewayService);
