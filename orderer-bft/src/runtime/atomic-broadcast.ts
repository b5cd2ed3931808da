import type { ServerDuplexStream, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { common, orderer } from '@hyperledger/fabric-protos';
import type { SubmitVerdict } from '../core/replica.js';
import type { LedgerFormat } from './ledger-format.js';
import { decodeBounded } from '../fabric/wire-prescan.js';
import { summariseEnvelope } from './proto-ledger-format.js';

/** What the gRPC service needs from the replica. */
export interface AtomicBroadcastHost {
  submit(envelope: Uint8Array): SubmitVerdict;
  /** Durable height (the genesis block 0 is always available). */
  readonly height: number;
  /** Serialized `common.Block` number `n` (0 = genesis), or undefined above the height. */
  block(n: number): Promise<Uint8Array | undefined>;
  /** Resolves when the height reaches `n` or `signal` aborts. */
  waitForHeight(n: number, signal: AbortSignal): Promise<void>;
}

type StatusCode = common.StatusMap[keyof common.StatusMap];
const raw = (value: Buffer): Buffer => value;

/**
 * The server-side definition: Fabric's `orderer.AtomicBroadcast` with the request left as raw
 * bytes, so that bytes which are not an `Envelope` get a BAD_REQUEST answer instead of a
 * stream error. Clients use the unchanged `orderer.AtomicBroadcastService`.
 */
export const ATOMIC_BROADCAST_SERVER_DEFINITION: ServiceDefinition = {
  broadcast: { ...orderer.AtomicBroadcastService.broadcast, requestDeserialize: raw },
  deliver: { ...orderer.AtomicBroadcastService.deliver, requestDeserialize: raw },
};

/** Maps the core's admission verdict to a Fabric status (pool-full = explicit back-pressure). */
export function broadcastStatus(verdict: SubmitVerdict): { status: StatusCode; info: string } {
  switch (verdict) {
    case 'accepted':
      return { status: common.Status.SUCCESS, info: '' };
    case 'duplicate':
      return { status: common.Status.SUCCESS, info: 'duplicate: already pending or ordered' };
    case 'pool-full':
      return { status: common.Status.SERVICE_UNAVAILABLE, info: 'request pool full, retry later' };
    case 'invalid':
      return { status: common.Status.BAD_REQUEST, info: 'request refused by the ordering core' };
  }
}

/** `Broadcast` and `Deliver` over a replica. */
export function createAtomicBroadcastService(host: AtomicBroadcastHost, format: LedgerFormat): UntypedServiceImplementation {
  return {
    broadcast(call: ServerDuplexStream<Buffer, orderer.BroadcastResponse>): void {
      call.on('data', (bytes: Buffer) => {
        const envelope = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const problem = format.validateBroadcast(envelope);
        const { status, info } = problem === undefined
          ? broadcastStatus(host.submit(envelope))
          : { status: problem.status === 'FORBIDDEN' ? common.Status.FORBIDDEN : common.Status.BAD_REQUEST, info: problem.reason };
        const response = new orderer.BroadcastResponse();
        response.setStatus(status);
        response.setInfo(info);
        call.write(response);
      });
      call.on('end', () => call.end());
      call.on('error', () => undefined);
    },
    deliver(call: ServerDuplexStream<Buffer, orderer.DeliverResponse>): void {
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort());
      call.on('close', () => abort.abort());
      call.on('error', () => abort.abort());
      let chain = Promise.resolve();
      call.on('data', (bytes: Buffer) => {
        const envelope = new Uint8Array(bytes);
        chain = chain.then(() => serveSeek(call, envelope, host, format, abort.signal)).catch(() => abort.abort());
      });
      call.on('end', () => {
        void chain.then(() => call.end());
      });
    },
  };
}

/** A parsed seek: blocks [start, stop] and whether to wait for blocks not yet ordered. */
interface Seek {
  readonly start: number;
  readonly stop: number;
  readonly blockUntilReady: boolean;
}

function parseSeek(envelope: Uint8Array, height: number): Seek | string {
  const summary = summariseEnvelope(envelope);
  if (typeof summary === 'string') return summary;
  let info: orderer.SeekInfo;
  try {
    info = decodeBounded(orderer.SeekInfo, summary.data);
  } catch (cause) {
    return `payload data is not a SeekInfo (${(cause as Error).message})`;
  }
  const position = (p: orderer.SeekPosition | undefined, which: string): number | string => {
    switch (p?.getTypeCase()) {
      case orderer.SeekPosition.TypeCase.OLDEST:
        return 0;
      case orderer.SeekPosition.TypeCase.NEWEST:
        return height;
      case orderer.SeekPosition.TypeCase.SPECIFIED: {
        const n = p.getSpecified()!.getNumber();
        return n > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : n;
      }
      default:
        return `seek ${which} position missing or unsupported`;
    }
  };
  const start = position(info.getStart(), 'start');
  const stop = position(info.getStop(), 'stop');
  if (typeof start === 'string') return start;
  if (typeof stop === 'string') return stop;
  if (start > stop) return `seek start ${start} is after stop ${stop}`;
  return { start, stop, blockUntilReady: info.getBehavior() === orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY };
}

async function serveSeek(
  call: ServerDuplexStream<Buffer, orderer.DeliverResponse>, envelope: Uint8Array, host: AtomicBroadcastHost, format: LedgerFormat,
  signal: AbortSignal,
): Promise<void> {
  const finish = (status: StatusCode): void => {
    const response = new orderer.DeliverResponse();
    response.setStatus(status);
    call.write(response);
  };
  const refusal = format.authorizeDeliver(envelope);
  if (refusal !== undefined) return finish(refusal.status === 'FORBIDDEN' ? common.Status.FORBIDDEN : common.Status.BAD_REQUEST);
  const seek = parseSeek(envelope, host.height);
  if (typeof seek === 'string') return finish(common.Status.BAD_REQUEST);
  for (let n = seek.start; n <= seek.stop; n += 1) {
    if (signal.aborted) return;
    if (n > host.height) {
      if (!seek.blockUntilReady) return finish(common.Status.NOT_FOUND);
      await host.waitForHeight(n, signal);
      if (signal.aborted) return;
    }
    const bytes = await host.block(n);
    if (bytes === undefined) return finish(common.Status.NOT_FOUND);
    const response = new orderer.DeliverResponse();
    response.setBlock(common.Block.deserializeBinary(bytes));
    if (!call.write(response)) {
      await new Promise<void>((resolve) => {
        call.once('drain', resolve);
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  }
  finish(common.Status.SUCCESS);
}
