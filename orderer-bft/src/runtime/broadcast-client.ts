import { createHash, randomBytes } from 'node:crypto';
import { credentials, makeGenericClientConstructor, type Client, type ClientDuplexStream } from '@grpc/grpc-js';
import { common, msp, orderer } from '@hyperledger/fabric-protos';
import { loadPrivateKey, signP256 } from '../fabric/ecdsa.js';

type StatusCode = common.StatusMap[keyof common.StatusMap];

/** A client's Fabric identity: serialized creator and a payload signer. */
export interface ClientIdentity {
  /** `msp.SerializedIdentity` bytes. */
  readonly creator: Uint8Array;
  sign(payload: Uint8Array): Uint8Array;
}

/** A Fabric client identity from its MSP id, enrolment certificate and PKCS#8 key (PEM). */
export function createClientIdentity(mspId: string, certPem: string, privateKeyPem: string): ClientIdentity {
  const serialized = new msp.SerializedIdentity();
  serialized.setMspid(mspId);
  serialized.setIdBytes(new TextEncoder().encode(certPem));
  const key = loadPrivateKey(privateKeyPem);
  return { creator: serialized.serializeBinary(), sign: (payload) => signP256(key, payload, 'der') };
}

/** Fields of a transaction envelope built by {@link buildEnvelope}. */
export interface EnvelopeSpec {
  readonly channel: string;
  /** Default: hex(SHA-256(nonce ‖ creator)), as Fabric requires for endorser transactions. */
  readonly txId?: string;
  /** Signs the payload with this identity; without one the creator is `creator` and the signature opaque. */
  readonly identity?: ClientIdentity;
  readonly creator?: Uint8Array;
  readonly data: Uint8Array;
  readonly type?: number;
}

/** A `common.Envelope` (signed when an identity is given). */
export function buildEnvelope(spec: EnvelopeSpec): common.Envelope {
  const creator = spec.identity?.creator ?? spec.creator ?? new Uint8Array();
  const nonce = randomBytes(24);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(spec.type ?? common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(spec.channel);
  channelHeader.setTxId(spec.txId ?? createHash('sha256').update(nonce).update(creator).digest('hex'));
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(creator);
  signatureHeader.setNonce(nonce);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(spec.data);
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(spec.identity?.sign(payloadBytes) ?? new Uint8Array(8));
  return envelope;
}

/** A Deliver request for blocks [start, stop] (stop undefined = newest at request time). */
export function buildSeekEnvelope(
  channel: string, start: number, stop: number | undefined, blockUntilReady: boolean, identity?: ClientIdentity,
): common.Envelope {
  const position = (n: number | undefined): orderer.SeekPosition => {
    const p = new orderer.SeekPosition();
    if (n === undefined) p.setNewest(new orderer.SeekNewest());
    else {
      const specified = new orderer.SeekSpecified();
      specified.setNumber(n);
      p.setSpecified(specified);
    }
    return p;
  };
  const info = new orderer.SeekInfo();
  info.setStart(position(start));
  info.setStop(position(stop));
  info.setBehavior(blockUntilReady ? orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY : orderer.SeekInfo.SeekBehavior.FAIL_IF_NOT_READY);
  return buildEnvelope({
    channel, txId: `seek-${randomBytes(8).toString('hex')}`, data: info.serializeBinary(), type: common.HeaderType.DELIVER_SEEK_INFO,
    ...(identity === undefined ? {} : { identity }),
  });
}

const ClientConstructor = makeGenericClientConstructor(orderer.AtomicBroadcastService, 'AtomicBroadcast');

/**
 * A minimal Fabric `AtomicBroadcast` client (grpc-js + the fabric-protos service definition),
 * for tests, the benchmark and operators.
 */
export class AtomicBroadcastClient {
  private readonly client: Client;
  private stream?: ClientDuplexStream<common.Envelope, orderer.BroadcastResponse>;
  private readonly waiting: ((response: { status: StatusCode; info: string }) => void)[] = [];

  constructor(address: string) {
    this.client = new ClientConstructor(address, credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
  }

  /** Sends one envelope on the shared Broadcast stream; resolves with its response (responses come in order). */
  broadcast(envelope: common.Envelope): Promise<{ status: StatusCode; info: string }> {
    const stream = this.openBroadcast();
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      stream.write(envelope);
    });
  }

  /** Sends raw bytes as a Broadcast message (to test garbage handling). */
  broadcastRaw(bytes: Uint8Array): Promise<{ status: StatusCode; info: string }> {
    const fake = { serializeBinary: () => bytes };
    Object.setPrototypeOf(fake, common.Envelope.prototype);
    return this.broadcast(fake as common.Envelope);
  }

  private openBroadcast(): ClientDuplexStream<common.Envelope, orderer.BroadcastResponse> {
    if (this.stream !== undefined) return this.stream;
    const stream = (this.client as unknown as { broadcast(): ClientDuplexStream<common.Envelope, orderer.BroadcastResponse> }).broadcast();
    stream.on('data', (response: orderer.BroadcastResponse) => this.waiting.shift()?.({ status: response.getStatus(), info: response.getInfo() }));
    const fail = (): void => {
      this.stream = undefined;
      for (const resolve of this.waiting.splice(0)) resolve({ status: common.Status.SERVICE_UNAVAILABLE, info: 'stream failed' });
    };
    stream.on('error', fail);
    stream.on('end', fail);
    this.stream = stream;
    return stream;
  }

  /** Runs one Deliver seek; resolves with the blocks and the final status. */
  deliver(seek: common.Envelope, timeoutMs = 10_000): Promise<{ blocks: common.Block[]; status: StatusCode | undefined }> {
    const call = (this.client as unknown as { deliver(options: object): ClientDuplexStream<common.Envelope, orderer.DeliverResponse> })
      .deliver({ deadline: Date.now() + timeoutMs });
    const blocks: common.Block[] = [];
    return new Promise((resolve) => {
      let done = false;
      const finish = (status: StatusCode | undefined): void => {
        if (done) return;
        done = true;
        call.cancel();
        resolve({ blocks, status });
      };
      call.on('data', (response: orderer.DeliverResponse) => {
        if (response.getTypeCase() === orderer.DeliverResponse.TypeCase.BLOCK) blocks.push(response.getBlock()!);
        else finish(response.getStatus());
      });
      call.on('error', () => finish(undefined));
      call.on('end', () => finish(undefined));
      call.write(seek);
      call.end();
    });
  }

  /** Streams blocks of an open-ended seek to `onBlock` until cancelled. */
  subscribe(seek: common.Envelope, onBlock: (block: common.Block) => void): { cancel(): void } {
    const call = (this.client as unknown as { deliver(): ClientDuplexStream<common.Envelope, orderer.DeliverResponse> }).deliver();
    call.on('data', (response: orderer.DeliverResponse) => {
      if (response.getTypeCase() === orderer.DeliverResponse.TypeCase.BLOCK) onBlock(response.getBlock()!);
    });
    call.on('error', () => undefined);
    call.write(seek);
    return { cancel: () => call.cancel() };
  }

  close(): void {
    this.stream?.end();
    this.client.close();
  }
}
