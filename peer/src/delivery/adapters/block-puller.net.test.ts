import { createServer } from 'node:net';
import type { common } from '@hyperledger/fabric-protos';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../delivery-error.js';
import { FakeOrderer } from '../test-support/fake-orderer.js';
import { headerHash, signedChain, withSignersOnly, withTamperedData, type SignedChain } from '../test-support/signed-chain.js';
import { BlockPuller, type BlockPullerOptions } from './block-puller.js';

const BLOCKS = 6;
let chain: SignedChain;
let orderers: FakeOrderer[] = [];
let pullers: BlockPuller[] = [];

beforeAll(async () => {
  chain = await signedChain(BLOCKS);
}, 30_000);

afterEach(async () => {
  await Promise.all(pullers.map((p) => p.stop()));
  for (const o of orderers) o.stop();
  pullers = [];
  orderers = [];
});

async function fakeOrderers(count: number): Promise<FakeOrderer[]> {
  orderers = await Promise.all(Array.from({ length: count }, () => new FakeOrderer(chain.blocks).start()));
  return orderers;
}

/** A loopback address nothing listens on. */
async function deadAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `127.0.0.1:${port}`;
}

interface Run {
  readonly puller: BlockPuller;
  readonly received: common.Block[];
  readonly switches: Record<string, unknown>[];
}

function pull(endpoints: readonly string[], overrides: Partial<BlockPullerOptions> = {}): Run {
  const received: common.Block[] = [];
  const switches: Record<string, unknown>[] = [];
  const puller = new BlockPuller({
    channelId: 'speedledger', endpoints, consenters: chain.consenters, quorum: chain.quorum,
    signer: { serialized: chain.client.creator, sign: (m) => chain.client.sign(m) },
    tip: { nextBlock: 1, previousHeaderHash: headerHash(chain.blocks[0]!) },
    onBlock: async (block) => void received.push(block),
    stallTimeoutMs: 300, baseBackoffMs: 20, maxBackoffMs: 200, probeTimeoutMs: 1000,
    logger: { log: (_level, event, fields) => void (event === 'deliver-switch' && switches.push(fields ?? {})) },
    ...overrides,
  });
  pullers.push(puller);
  puller.start();
  return { puller, received, switches };
}

async function until(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const numbers = (blocks: readonly common.Block[]): number[] => blocks.map((b) => b.getHeader()!.getNumber());
const all = Array.from({ length: BLOCKS }, (_, i) => i + 1);

describe('BlockPuller against fake Deliver servers', { timeout: 30_000 }, () => {
  it('pulls every block in order from the first replica without switching', async () => {
    const [first, second] = await fakeOrderers(2);
    const run = pull([first!.address, second!.address]);
    await until('all blocks', () => run.received.length === BLOCKS);
    expect(numbers(run.received)).toEqual(all);
    expect(run.switches).toEqual([]);
    expect(second!.seeks).toEqual([]);
    expect(run.puller.tip.nextBlock).toBe(BLOCKS + 1);
    expect(Buffer.from(run.puller.tip.previousHeaderHash)).toEqual(Buffer.from(headerHash(chain.blocks[BLOCKS]!)));
  });

  it.each([
    { what: 'signatures stripped to f', tamper: (b: common.Block) => withSignersOnly(b, [2]), reason: 'BLOCK_REFUSED_SIGNATURES' },
    { what: 'a replaced envelope', tamper: (b: common.Block) => withTamperedData(b, chain.client), reason: 'BLOCK_REFUSED_DATA_HASH' },
  ])('refuses a block with $what and takes it from the next replica', async ({ tamper, reason }) => {
    const [bad, good] = await fakeOrderers(2);
    bad!.replaced.set(3, tamper(chain.blocks[3]!));
    const run = pull([bad!.address, good!.address]);
    await until('all blocks', () => run.received.length === BLOCKS);
    expect(numbers(run.received)).toEqual(all);
    expect(run.switches).toEqual([expect.objectContaining({ from: bad!.address, reason, nextBlock: 3 })]);
    expect(good!.seeks).toEqual([3]);
    expect(Buffer.from(run.received[2]!.serializeBinary())).toEqual(Buffer.from(chain.blocks[3]!.serializeBinary()));
  });

  it('leaves a replica that withholds blocks another one has (STALLED)', async () => {
    const [withholding, honest] = await fakeOrderers(2);
    withholding!.available = 3;
    const run = pull([withholding!.address, honest!.address]);
    await until('all blocks', () => run.received.length === BLOCKS);
    expect(numbers(run.received)).toEqual(all);
    expect(run.switches).toEqual([expect.objectContaining({ from: withholding!.address, reason: 'STALLED', nextBlock: 3 })]);
  });

  it('waits on a silent replica while nobody is ahead, and takes new blocks when they come', async () => {
    const [first, second] = await fakeOrderers(2);
    first!.available = 3;
    second!.available = 3;
    const run = pull([first!.address, second!.address]);
    await until('blocks 1-2', () => run.received.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(run.switches).toEqual([]);
    first!.release(chain.blocks.length);
    second!.release(chain.blocks.length);
    await until('all blocks', () => run.received.length === BLOCKS);
    expect(run.switches).toEqual([]);
  });

  it('skips an unreachable replica (CONNECTION_FAILED) and backs it off', async () => {
    const [live] = await fakeOrderers(1);
    const dead = await deadAddress();
    const run = pull([dead, live!.address]);
    await until('all blocks', () => run.received.length === BLOCKS);
    expect(run.switches[0]).toMatchObject({ from: dead, reason: 'CONNECTION_FAILED', failures: 1, backoffMs: 20 });
  });

  it('asks for a block again when the handler fails (HANDLER_FAILED), handing on nothing twice', async () => {
    const [first, second] = await fakeOrderers(2);
    let failures = 1;
    const received: common.Block[] = [];
    const run = pull([first!.address, second!.address], {
      onBlock: async (block) => {
        if (block.getHeader()!.getNumber() === 4 && failures-- > 0) throw new Error('disk full');
        received.push(block);
      },
    });
    await until('all blocks', () => received.length === BLOCKS);
    expect(numbers(received)).toEqual(all);
    expect(run.switches).toEqual([expect.objectContaining({ reason: 'HANDLER_FAILED', nextBlock: 4 })]);
  });

  it('refuses unusable settings with typed errors', () => {
    const base = {
      channelId: 'speedledger', endpoints: ['127.0.0.1:1'], consenters: chain.consenters, quorum: 3,
      signer: { serialized: new Uint8Array(), sign: () => new Uint8Array() }, tip: { nextBlock: 1, previousHeaderHash: new Uint8Array(32) },
      onBlock: async () => undefined,
    };
    const codeOf = (options: BlockPullerOptions): string | undefined => {
      try {
        new BlockPuller(options);
        return undefined;
      } catch (error) {
        return error instanceof DeliveryError ? error.code : 'untyped';
      }
    };
    expect(codeOf({ ...base, endpoints: [] })).toBe('NO_ORDERER_ENDPOINTS');
    expect(codeOf({ ...base, quorum: 5 })).toBe('INVALID_DELIVERY_CONFIG');
    expect(codeOf({ ...base, tip: { nextBlock: 0, previousHeaderHash: new Uint8Array() } })).toBe('INVALID_DELIVERY_CONFIG');
    expect(codeOf({ ...base, consenters: [{ id: 1, mspId: 'X', certPem: 'not a certificate' }], quorum: 1 })).toBe('INVALID_DELIVERY_CONFIG');
  });
});
