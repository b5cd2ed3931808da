import type { ServerDuplexStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import { common, peer } from '@hyperledger/fabric-protos';
import { filteredBlock } from './block-transactions.js';
import { parseSeekRequest } from './seek-request.js';
import { isDenied, type CommittedBlocks, type RequestAuthorizer } from './service-host.js';

type Status = common.StatusMap[keyof common.StatusMap];
type Stream = ServerDuplexStream<common.Envelope, peer.DeliverResponse>;

/** What the Deliver service reads: the channel, its committed blocks and the access check. */
export interface DeliverServiceOptions {
  readonly channelId: string;
  readonly ledger: CommittedBlocks;
  readonly authorizer: RequestAuthorizer;
  /** Called with each refused request (for logs). */
  readonly onRefusal?: (reason: string) => void;
}

function finish(call: Stream, status: Status): void {
  const response = new peer.DeliverResponse();
  response.setStatus(status);
  call.write(response);
}

async function write(call: Stream, response: peer.DeliverResponse, signal: AbortSignal): Promise<void> {
  if (call.write(response)) return;
  await new Promise<void>((resolve) => {
    call.once('drain', resolve);
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

async function serve(call: Stream, envelope: common.Envelope, filtered: boolean, options: DeliverServiceOptions, signal: AbortSignal): Promise<void> {
  const seek = parseSeekRequest(envelope, options.channelId, options.ledger.height());
  if ('error' in seek) {
    options.onRefusal?.(seek.error);
    return finish(call, seek.status as Status);
  }
  const who = options.authorizer.authorize(seek.creator, seek.signedData, seek.signature);
  if (isDenied(who)) {
    options.onRefusal?.(who.error);
    return finish(call, common.Status.FORBIDDEN);
  }
  for (let n = seek.start; n <= seek.stop; n += 1) {
    if (signal.aborted) return;
    if (n >= options.ledger.height()) {
      if (!seek.blockUntilReady) return finish(call, common.Status.NOT_FOUND);
      await options.ledger.waitForBlock(n, signal);
      if (signal.aborted) return;
    }
    const block = await options.ledger.block(n);
    if (block === undefined) return finish(call, common.Status.NOT_FOUND);
    const response = new peer.DeliverResponse();
    if (filtered) response.setFilteredBlock(filteredBlock(block, options.channelId));
    else response.setBlock(block);
    await write(call, response, signal);
  }
  finish(call, common.Status.SUCCESS);
}

function handler(filtered: boolean, options: DeliverServiceOptions): (call: Stream) => void {
  return (call) => {
    const abort = new AbortController();
    call.on('cancelled', () => abort.abort());
    call.on('close', () => abort.abort());
    call.on('error', () => abort.abort());
    let chain = Promise.resolve();
    call.on('data', (envelope: common.Envelope) => {
      chain = chain.then(() => serve(call, envelope, filtered, options, abort.signal)).catch(() => abort.abort());
    });
    call.on('end', () => void chain.then(() => call.end()));
  };
}

/**
 * `protos.Deliver`: Deliver streams committed blocks (with their validation codes),
 * DeliverFiltered streams FilteredBlocks, both from a signed seek by a channel reader, live as
 * blocks commit, then a Status. DeliverWithPrivateData answers NOT_IMPLEMENTED: this peer keeps
 * no private data.
 */
export function createDeliverService(options: DeliverServiceOptions): UntypedServiceImplementation {
  return {
    deliver: handler(false, options),
    deliverFiltered: handler(true, options),
    deliverWithPrivateData(call: Stream): void {
      call.on('data', () => finish(call, common.Status.NOT_IMPLEMENTED));
      call.on('end', () => call.end());
      call.on('error', () => undefined);
    },
  };
}
