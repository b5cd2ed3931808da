/**
 * Request decoding for gRPC servers that face untrusted sockets. grpc-js turns an exception
 * thrown by a request deserialiser into INTERNAL "Error deserializing request" with no detail,
 * and its receive limit is one number per server. Here a deserialiser never throws: it checks
 * the method's own size limit, decodes with {@link decodeBounded} and, on bad input, returns a
 * {@link RefusedRequest} that {@link refusedRequestInterceptor} answers with INVALID_ARGUMENT
 * (malformed) or RESOURCE_EXHAUSTED (too large) and a message naming the method and the fault,
 * before any handler runs. The server keeps serving its other calls.
 */
import {
  Metadata, ResponderBuilder, ServerInterceptingCall, ServerListenerBuilder, status,
  type MethodDefinition, type ServerInterceptor, type ServiceDefinition,
} from '@grpc/grpc-js';
import type { DecodableMessage } from '../fabric/bounded-reader.js';
import { MalformedProtobufError } from '../fabric/malformed-protobuf-error.js';
import { decodeBounded } from '../fabric/wire-prescan.js';

/** A request the deserialiser refused; never reaches a handler. */
export class RefusedRequest {
  constructor(
    /** gRPC status the caller gets. */
    readonly code: typeof status.INVALID_ARGUMENT | typeof status.RESOURCE_EXHAUSTED,
    readonly details: string,
  ) {}
}

/** Largest request, in bytes, each method path (`/pkg.Service/Method`) accepts. */
export type RequestLimits = Readonly<Record<string, number>>;

/** Raw bytes, refused above `limit`: for methods whose handler parses the bytes itself. */
export function boundedRawDeserializer(path: string, limit: number): (bytes: Buffer) => Buffer | RefusedRequest {
  return (bytes) => (bytes.byteLength > limit ? tooLarge(path, bytes.byteLength, limit) : bytes);
}

/** `type` decoded with {@link decodeBounded}, refused above `limit` or when malformed. */
export function boundedDeserializer<T>(path: string, limit: number, type: DecodableMessage<T>): (bytes: Buffer) => T | RefusedRequest {
  return (bytes) => {
    if (bytes.byteLength > limit) return tooLarge(path, bytes.byteLength, limit);
    try {
      return decodeBounded(type, bytes);
    } catch (error) {
      if (!(error instanceof MalformedProtobufError)) throw error;
      return new RefusedRequest(status.INVALID_ARGUMENT, `${path}: request is not a valid message (${error.message})`);
    }
  };
}

function tooLarge(path: string, size: number, limit: number): RefusedRequest {
  return new RefusedRequest(status.RESOURCE_EXHAUSTED, `${path}: request of ${size} bytes exceeds the method's limit of ${limit} bytes`);
}

/**
 * `definition` (a generated google-protobuf service) with every request deserialiser replaced by
 * {@link boundedDeserializer} under `limits` (a path without a limit gets `fallbackLimit`). The
 * request class is recovered from the generated deserialiser by decoding zero bytes, which is
 * always safe.
 */
export function boundedServiceDefinition(definition: object, limits: RequestLimits, fallbackLimit: number): ServiceDefinition {
  const result: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(definition as Record<string, MethodDefinition<unknown, unknown>>)) {
    const type = (method.requestDeserialize(Buffer.alloc(0)) as object).constructor as DecodableMessage<unknown>;
    result[name] = { ...method, requestDeserialize: boundedDeserializer(method.path, limits[method.path] ?? fallbackLimit, type) };
  }
  return result as ServiceDefinition;
}

/** Largest of `limits`: the server-wide receive limit, so grpc-js refuses anything larger unbuffered. */
export function largestLimit(limits: RequestLimits): number {
  return Math.max(...Object.values(limits));
}

/** The receive-limit fields of grpc-js 1.14's `BaseServerInterceptingCall` (not public API). */
interface ReceiveLimitFields {
  maxReceiveMessageSize: number;
  decoder: { maxReadMessageLength: number };
}

function receiveLimitFields(call: object): ReceiveLimitFields | undefined {
  const fields = call as Partial<ReceiveLimitFields>;
  return typeof fields.maxReceiveMessageSize === 'number' && typeof fields.decoder?.maxReadMessageLength === 'number'
    ? fields as ReceiveLimitFields : undefined;
}

/** Per intercepting call: sets the underlying call's receive limit. */
const LIMIT_SETTERS = new WeakMap<object, (limit: number) => void>();

/**
 * The server's first interceptor (it must receive grpc-js's base call):
 * - sets the call's receive limit to `limits[path]`, so grpc-js refuses a larger message from its
 *   5-byte length prefix, before buffering it (the server option is one limit for every method).
 *   This writes grpc-js 1.14 internals; if they are absent the limit is still enforced, after
 *   buffering, by the {@link boundedDeserializer} of the method, and `hostile-limits.net.test.ts`
 *   fails;
 * - answers a {@link RefusedRequest} with its status and drops the rest of the call's input, so
 *   no handler sees it (a unary handler would otherwise report "no request" as INTERNAL).
 */
export function boundedRequestInterceptor(limits: RequestLimits): ServerInterceptor {
  return (method, call) => {
    const base = receiveLimitFields(call);
    const setLimit = (limit: number): void => {
      if (base === undefined) return;
      base.maxReceiveMessageSize = limit;
      base.decoder.maxReadMessageLength = limit;
    };
    const limit = limits[method.path];
    if (limit !== undefined) setLimit(limit);
    let refused = false;
    const intercepting = new ServerInterceptingCall(call, new ResponderBuilder()
      .withStart((next) => next(new ServerListenerBuilder()
        .withOnReceiveMessage((message, pass) => {
          if (refused) return;
          if (message instanceof RefusedRequest) {
            refused = true;
            // Straight to the next call: this wrapper holds a status back until the message is passed on.
            call.sendStatus({ code: message.code, details: message.details, metadata: new Metadata() });
            return;
          }
          pass(message);
        })
        .withOnReceiveHalfClose((pass) => {
          if (!refused) pass();
        })
        .build()))
      .build());
    LIMIT_SETTERS.set(intercepting, setLimit);
    return intercepting;
  };
}

/**
 * Changes the receive limit of a running call, given the handler's call object (e.g. a replica
 * link raises it from the handshake's size to protocol frames once the peer has authenticated).
 * False when the call did not pass through {@link boundedRequestInterceptor}.
 */
export function setCallReceiveLimit(handlerCall: object, limit: number): boolean {
  // grpc-js handler streams keep the intercepting call as `call`.
  const inner = (handlerCall as { call?: object }).call;
  const set = inner === undefined ? undefined : LIMIT_SETTERS.get(inner);
  if (set === undefined) return false;
  set(limit);
  return true;
}

/** {@link boundedRequestInterceptor} with no per-method limits (only refusals). */
export const refusedRequestInterceptor: ServerInterceptor = boundedRequestInterceptor({});
