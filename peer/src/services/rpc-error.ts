import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { gateway, google } from '@hyperledger/fabric-protos';

/** One endpoint's part of a Gateway failure, as `gateway.ErrorDetail` carries it. */
export interface EndpointErrorDetail {
  readonly address: string;
  readonly mspId: string;
  readonly message: string;
}

/**
 * A gRPC error as Fabric's Gateway returns it: the status code and message, and the endpoint
 * details as `gateway.ErrorDetail`s packed in a `google.rpc.Status` under
 * `grpc-status-details-bin` — where fabric-gateway clients read them from.
 */
export function gatewayRpcError(code: GrpcStatus, message: string, details: readonly EndpointErrorDetail[] = []): ServiceError {
  const metadata = new Metadata();
  if (details.length > 0) {
    const rpcStatus = new google.rpc.Status();
    rpcStatus.setCode(code);
    rpcStatus.setMessage(message);
    for (const d of details) {
      const detail = new gateway.ErrorDetail();
      detail.setAddress(d.address);
      detail.setMspId(d.mspId);
      detail.setMessage(d.message);
      // addDetails() without a value appends a fresh google.protobuf.Any and returns it.
      const any = rpcStatus.addDetails();
      any.setTypeUrl('type.googleapis.com/gateway.ErrorDetail');
      any.setValue(detail.serializeBinary());
    }
    metadata.set('grpc-status-details-bin', Buffer.from(rpcStatus.serializeBinary()));
  }
  return Object.assign(new Error(message), { code, details: message, metadata });
}

export { GrpcStatus };
