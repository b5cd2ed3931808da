import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { common, orderer } from '@hyperledger/fabric-protos';

/**
 * An in-process `AtomicBroadcast/Deliver` server over a fixed chain, for puller tests: it can
 * withhold blocks beyond `available`, or serve a replaced (tampered) block at some number.
 */
export class FakeOrderer {
  /** Blocks [0, available) are served; later ones are withheld (BLOCK_UNTIL_READY waits). */
  available: number;
  readonly replaced = new Map<number, common.Block>();
  /** Start numbers of the seeks received. */
  readonly seeks: number[] = [];
  private readonly server = new Server();
  private readonly waiting = new Set<() => void>();
  address = '';

  constructor(private readonly blocks: readonly common.Block[], available = blocks.length) {
    this.available = available;
    this.server.addService(orderer.AtomicBroadcastService, {
      broadcast: (call: ServerDuplexStream<common.Envelope, orderer.BroadcastResponse>) => call.end(),
      deliver: (call: ServerDuplexStream<common.Envelope, orderer.DeliverResponse>) => {
        call.on('data', (envelope: common.Envelope) => void this.serve(call, envelope));
        call.on('error', () => undefined);
      },
    });
  }

  async start(): Promise<this> {
    const port = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p)));
    });
    this.address = `127.0.0.1:${port}`;
    return this;
  }

  /** Makes blocks up to `available` servable and wakes waiting streams. */
  release(available: number): void {
    this.available = available;
    for (const wake of [...this.waiting]) wake();
  }

  stop(): void {
    for (const wake of [...this.waiting]) wake();
    this.server.forceShutdown();
  }

  private async serve(call: ServerDuplexStream<common.Envelope, orderer.DeliverResponse>, envelope: common.Envelope): Promise<void> {
    const info = orderer.SeekInfo.deserializeBinary(common.Payload.deserializeBinary(envelope.getPayload_asU8()).getData_asU8());
    const start = info.getStart()!.getSpecified()!.getNumber();
    const stop = info.getStop()!.getSpecified()!.getNumber();
    const wait = info.getBehavior() === orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY;
    this.seeks.push(start);
    let cancelled = false;
    call.on('cancelled', () => (cancelled = true));
    for (let n = start; n <= stop && !cancelled; n += 1) {
      while (n >= this.available && wait && !cancelled) {
        await new Promise<void>((resolve) => {
          const wake = (): void => {
            this.waiting.delete(wake);
            resolve();
          };
          this.waiting.add(wake);
          setTimeout(wake, 100);
        });
      }
      if (cancelled) return;
      const block = this.replaced.get(n) ?? this.blocks[n];
      if (n >= this.available || block === undefined) {
        const response = new orderer.DeliverResponse();
        response.setStatus(common.Status.NOT_FOUND);
        call.write(response);
        return;
      }
      const response = new orderer.DeliverResponse();
      response.setBlock(block);
      call.write(response);
    }
  }
}
