import { EventEmitter } from 'node:events';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { common } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubmitVerdict } from '../core/replica.js';
import { ATOMIC_BROADCAST_SERVER_DEFINITION, createAtomicBroadcastService } from './atomic-broadcast.js';
import { AtomicBroadcastClient, buildEnvelope, buildSeekEnvelope } from './broadcast-client.js';
import { createProtoLedgerFormat } from './proto-ledger-format.js';

const CHANNEL = 'speedledger';
const format = createProtoLedgerFormat({ channel: CHANNEL, maxEnvelopeBytes: 4096, genesisData: new Uint8Array([1]) });

/** A fake replica: a chain of blocks made by the real assembler, grown by hand. */
class FakeHost extends EventEmitter {
  verdict: SubmitVerdict = 'accepted';
  submitted: Uint8Array[] = [];
  private readonly headers = [format.genesisHeader];
  private readonly blocks = [format.genesisBlock()];

  get height(): number {
    return this.blocks.length - 1;
  }

  grow(): void {
    const seq = this.blocks.length;
    const proposal = format.assembler.assemble([buildEnvelope({ channel: CHANNEL, txId: `t${seq}`, data: new Uint8Array(1) }).serializeBinary()], { sequence: seq, previousHeader: this.headers.at(-1)! });
    this.headers.push(proposal.header);
    this.blocks.push(format.toBlock({ seq, view: 0, proposal, digest: '', signatures: [] }));
    this.emit('height');
  }

  submit = (envelope: Uint8Array): SubmitVerdict => {
    this.submitted.push(envelope);
    return this.verdict;
  };

  block = async (n: number): Promise<Uint8Array | undefined> => this.blocks[n];

  waitForHeight = (n: number, signal: AbortSignal): Promise<void> => new Promise((resolve) => {
    const check = (): void => {
      if (this.height >= n || signal.aborted) {
        this.off('height', check);
        resolve();
      }
    };
    this.on('height', check);
    signal.addEventListener('abort', check, { once: true });
    check();
  });
}

describe('AtomicBroadcast service', () => {
  const host = new FakeHost();
  let server: Server;
  let client: AtomicBroadcastClient;
  beforeAll(async () => {
    server = new Server();
    server.addService(ATOMIC_BROADCAST_SERVER_DEFINITION, createAtomicBroadcastService(host, format));
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    client = new AtomicBroadcastClient(`127.0.0.1:${port}`);
    host.grow();
    host.grow();
  });
  afterAll(() => {
    client.close();
    server.forceShutdown();
  });

  it.each([
    ['accepted', common.Status.SUCCESS],
    ['duplicate', common.Status.SUCCESS],
    ['pool-full', common.Status.SERVICE_UNAVAILABLE],
    ['invalid', common.Status.BAD_REQUEST],
  ] as const)('maps the core verdict %s to status %i', async (verdict, status) => {
    host.verdict = verdict;
    const before = host.submitted.length;
    expect((await client.broadcast(buildEnvelope({ channel: CHANNEL, txId: 'x', data: new Uint8Array(2) }))).status).toBe(status);
    expect(host.submitted.length).toBe(before + 1);
  });

  it('refuses oversized, wrong-type and tx-id-less envelopes before they reach the core', async () => {
    host.verdict = 'accepted';
    const before = host.submitted.length;
    const answers = await Promise.all([
      client.broadcast(buildEnvelope({ channel: CHANNEL, txId: 'big', data: new Uint8Array(5000) })),
      client.broadcast(buildEnvelope({ channel: CHANNEL, txId: 'cfg', data: new Uint8Array(1), type: common.HeaderType.CONFIG_UPDATE })),
      client.broadcast(buildEnvelope({ channel: CHANNEL, txId: '', data: new Uint8Array(1), type: common.HeaderType.MESSAGE })),
      client.broadcastRaw(new Uint8Array()),
    ]);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => common.Status.BAD_REQUEST));
    expect(answers.every((a) => a.info.length > 0)).toBe(true);
    expect(host.submitted.length).toBe(before);
  });

  it('serves oldest..newest then SUCCESS, and a specified range', async () => {
    const all = await client.deliver(buildSeekEnvelope(CHANNEL, 0, undefined, false));
    expect(all.status).toBe(common.Status.SUCCESS);
    expect(all.blocks.map((b) => b.getHeader()!.getNumber())).toEqual([0, 1, 2]);
    const one = await client.deliver(buildSeekEnvelope(CHANNEL, 1, 1, false));
    expect(one.blocks.map((b) => b.getHeader()!.getNumber())).toEqual([1]);
  });

  it('answers NOT_FOUND past the height with FAIL_IF_NOT_READY, after the blocks it has', async () => {
    const result = await client.deliver(buildSeekEnvelope(CHANNEL, 2, host.height + 5, false));
    expect(result.status).toBe(common.Status.NOT_FOUND);
    expect(result.blocks.map((b) => b.getHeader()!.getNumber())).toEqual([2]);
  });

  it('waits for blocks with BLOCK_UNTIL_READY', async () => {
    const target = host.height + 2;
    let settled = false;
    const pending = client.deliver(buildSeekEnvelope(CHANNEL, target, target, true)).finally(() => (settled = true));
    // Give the request time to reach the server; it must still be waiting then.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(settled).toBe(false);
    host.grow();
    host.grow();
    const result = await pending;
    expect(result.status).toBe(common.Status.SUCCESS);
    expect(result.blocks.map((b) => b.getHeader()!.getNumber())).toEqual([target]);
  });

  it('answers BAD_REQUEST for a start after the stop, another channel, or a non-seek envelope', async () => {
    const answers = await Promise.all([
      client.deliver(buildSeekEnvelope(CHANNEL, 2, 1, false)),
      client.deliver(buildSeekEnvelope('other', 0, 0, false)),
      client.deliver(buildEnvelope({ channel: CHANNEL, txId: 'x', data: new Uint8Array(3) })),
    ]);
    for (const answer of answers) expect(answer).toEqual({ blocks: [], status: common.Status.BAD_REQUEST });
  });
});
