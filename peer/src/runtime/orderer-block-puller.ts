import { credentials, makeGenericClientConstructor, type ClientDuplexStream } from '@grpc/grpc-js';
import { common, orderer } from '@hyperledger/fabric-protos';
import { verifyBlock, type ConsenterIdentity } from '@speedledger/orderer-bft';
import { buildSeekEnvelope, type ClientIdentity, type Logger } from '@speedledger/orderer-bft/runtime';
import { lenientServiceDefinition } from '../services/index.js';

const DeliverClient = makeGenericClientConstructor(lenientServiceDefinition(orderer.AtomicBroadcastService), 'AtomicBroadcast');

/**
 * orderer-bft has its own fabric-protos copy and recognises a header by `instanceof`; a header of
 * this package's copy is read as plain fields instead, so those fields are attached to it.
 */
function withHeaderFields(block: common.Block): common.Block {
  const header = block.getHeader();
  if (header !== undefined) Object.assign(header, { number: header.getNumber(), previousHash: header.getPreviousHash_asU8(), dataHash: header.getDataHash_asU8() });
  return block;
}

/** What the puller needs: where to pull from, how to verify, and where blocks go. */
export interface BlockPullerOptions {
  readonly channelId: string;
  readonly orderers: readonly string[];
  /** The peer's identity: orderers deliver only to channel members. */
  readonly identity: ClientIdentity;
  readonly consenters: readonly ConsenterIdentity[];
  readonly quorum: number;
  /** Number of the next block wanted (the ledger height). */
  nextNumber(): number;
  /** Header hash of the last committed block (the chain link the next block must carry). */
  previousHash(): Uint8Array | undefined;
  /** Commits one verified block; a rejection makes the puller reconnect elsewhere. */
  onBlock(block: common.Block): Promise<void>;
  readonly log: Logger;
  /** Delay before reconnecting after a failure (ms). */
  readonly retryMs?: number;
}

/** A running puller. */
export interface BlockPuller {
  /** The orderer currently pulled from. */
  current(): string;
  /** False after a failure on every orderer in a row (reset by the next committed block). */
  healthy(): boolean;
  stop(): void;
}

/**
 * Pulls blocks from the orderers with a signed open-ended Deliver seek, one orderer at a time:
 * every block must carry a quorum of valid consenter signatures and chain to the last committed
 * block; on a stream failure or a block that fails verification the puller moves to the next
 * orderer and re-seeks from the ledger height. (A narrow stand-in until the delivery module lands.)
 */
export function startBlockPuller(options: BlockPullerOptions): BlockPuller {
  let index = 0;
  let failuresInRow = 0;
  let stopped = false;
  let call: ClientDuplexStream<common.Envelope, orderer.DeliverResponse> | undefined;
  let client: InstanceType<typeof DeliverClient> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const connect = (): void => {
    if (stopped) return;
    const address = options.orderers[index % options.orderers.length]!;
    client?.close();
    client = new DeliverClient(address, credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
    const stream = (client as unknown as { deliver(): ClientDuplexStream<common.Envelope, orderer.DeliverResponse> }).deliver();
    call = stream;
    let failed = false;
    let chain = Promise.resolve();
    const fail = (reason: string): void => {
      if (failed || stopped) return;
      failed = true;
      failuresInRow += 1;
      options.log.log('warn', 'deliver-switch', { orderer: address, reason });
      stream.cancel();
      index += 1;
      timer = setTimeout(connect, options.retryMs ?? 500);
    };
    stream.on('data', (response: orderer.DeliverResponse) => {
      if (response.getTypeCase() !== orderer.DeliverResponse.TypeCase.BLOCK) {
        fail(`deliver ended with status ${response.getStatus()}`);
        return;
      }
      const block = response.getBlock()!;
      chain = chain.then(async () => {
        if (failed || stopped) return;
        const number = block.getHeader()?.getNumber() ?? -1;
        if (number < options.nextNumber()) return;
        if (number > options.nextNumber()) return fail(`block ${number} skips ahead of ${options.nextNumber()}`);
        const previousHeaderHash = options.previousHash();
        const verdict = verifyBlock(withHeaderFields(block), { consenters: options.consenters, quorum: options.quorum, ...(previousHeaderHash === undefined ? {} : { previousHeaderHash }) });
        if (!verdict.ok) return fail(`block ${number} refused: ${verdict.code} ${verdict.reason}`);
        try {
          await options.onBlock(block);
          failuresInRow = 0;
        } catch (error) {
          fail(`block ${number} not committed: ${(error as Error).message}`);
        }
      });
    });
    stream.on('error', (error: Error) => fail(error.message));
    stream.on('end', () => fail('stream ended'));
    stream.write(buildSeekEnvelope(options.channelId, options.nextNumber(), Number.MAX_SAFE_INTEGER, true, options.identity));
    options.log.log('info', 'deliver-connect', { orderer: address, from: options.nextNumber() });
  };
  connect();
  return {
    current: () => options.orderers[index % options.orderers.length]!,
    healthy: () => failuresInRow < options.orderers.length,
    stop() {
      stopped = true;
      clearTimeout(timer);
      call?.cancel();
      client?.close();
    },
  };
}
