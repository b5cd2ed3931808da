import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import { ClassicLevel } from 'classic-level';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { headerHashOf } from '../block-header-hash.js';
import { BLOCK_HASH_INDEXED_KEY, KEY_PREFIX, kindRange } from '../ledger-keys.js';
import { configBlockValidation } from '../stored-block-validation.js';
import { configEnvelope, endorserEnvelope, makeBlock, validationWithCodes, type TestTx } from '../test-support/ledger-blocks.js';
import { PeerLedger } from './peer-ledger.js';

/* The block queries qscc answers from: by hash, the chain's tip, a transaction's envelope. */
const CHANNEL = 'speedledger';
const hex = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : Buffer.from(b).toString('hex'));

describe('PeerLedger block queries', () => {
  let dir: string;
  let ledger: PeerLedger;
  const blocks: common.Block[] = [];

  async function commitTxs(txs: readonly TestTx[], codes: readonly number[]): Promise<common.Block> {
    const previous = blocks.at(-1)!;
    const built = makeBlock(blocks.length, previous, txs.map(endorserEnvelope));
    const block = common.Block.deserializeBinary(built.serializeBinary());
    await ledger.commit(block, validationWithCodes(block, codes));
    blocks.push(block);
    return block;
  }

  beforeEach(async () => {
    blocks.length = 0;
    dir = await mkdtemp(join(tmpdir(), 'peer-ledger-queries-'));
    ledger = await PeerLedger.open(dir, { channelId: CHANNEL });
    const genesis = makeBlock(0, undefined, [configEnvelope()]);
    await ledger.commit(genesis, configBlockValidation(genesis));
    blocks.push(genesis);
    await commitTxs([{ txId: 'a1', writes: [{ ns: 'cc', key: 'k', value: 'v1' }] }, { txId: 'a2' }], [0, 11]);
    await commitTxs([{ txId: 'b1', writes: [{ ns: 'cc', key: 'k', value: 'v2' }] }], [0]);
  });

  afterEach(async () => {
    await ledger.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('chainInfo is the height, the last header hash and the last block\'s previous hash, before and after a reopen', async () => {
    const expected = {
      height: 3, currentBlockHash: hex(headerHashOf(blocks[2]!.getHeader()!)), previousBlockHash: hex(headerHashOf(blocks[1]!.getHeader()!)),
    };
    const seen = (info: Awaited<ReturnType<PeerLedger['chainInfo']>>) => ({ height: info.height, currentBlockHash: hex(info.currentBlockHash), previousBlockHash: hex(info.previousBlockHash) });
    expect(seen(await ledger.chainInfo())).toEqual(expected);
    await ledger.close();
    ledger = await PeerLedger.open(dir, { channelId: CHANNEL });
    expect(seen(await ledger.chainInfo())).toEqual(expected);
    await commitTxs([{ txId: 'c1' }], [0]);
    expect(seen(await ledger.chainInfo())).toEqual({
      height: 4, currentBlockHash: hex(headerHashOf(blocks[3]!.getHeader()!)), previousBlockHash: hex(headerHashOf(blocks[2]!.getHeader()!)),
    });
  });

  it('an empty ledger has height 0 and empty hashes', async () => {
    const emptyDir = await mkdtemp(join(tmpdir(), 'peer-ledger-empty-'));
    const empty = await PeerLedger.open(emptyDir, { channelId: CHANNEL });
    try {
      const info = await empty.chainInfo();
      expect([info.height, info.currentBlockHash.byteLength, info.previousBlockHash.byteLength]).toEqual([0, 0, 0]);
      expect(await empty.blockByHash(new Uint8Array(32))).toBeUndefined();
    } finally {
      await empty.close();
      await rm(emptyDir, { recursive: true, force: true });
    }
  });

  it('blockByHash finds every block by its header hash, and nothing for another hash', async () => {
    for (const block of blocks) {
      const found = await ledger.blockByHash(headerHashOf(block.getHeader()!));
      expect(found?.getHeader()?.getNumber()).toBe(block.getHeader()!.getNumber());
    }
    expect(await ledger.blockByHash(new Uint8Array(32).fill(7))).toBeUndefined();
    expect(await ledger.blockByHash(new Uint8Array())).toBeUndefined();
    // A data hash is not a header hash.
    expect(await ledger.blockByHash(blocks[1]!.getHeader()!.getDataHash_asU8())).toBeUndefined();
  });

  it('transactionByTxId returns the envelope bytes as ordered, invalid ones included, with block, index and code', async () => {
    const a2 = await ledger.transactionByTxId('a2');
    expect(a2).toMatchObject({ blockNum: 1, txNum: 1, code: 11 });
    expect(hex(a2!.envelope)).toBe(hex(blocks[1]!.getData()!.getDataList_asU8()[1]));
    expect(await ledger.transactionByTxId('b1')).toMatchObject({ blockNum: 2, txNum: 0, code: 0 });
    expect(await ledger.transactionByTxId('never')).toBeUndefined();
  });

  it('a ledger written before the hash index gets it on open, once', async () => {
    await ledger.close();
    const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
    await db.open();
    await db.clear(kindRange(KEY_PREFIX.blockHash));
    await db.del(BLOCK_HASH_INDEXED_KEY);
    await db.close();

    ledger = await PeerLedger.open(dir, { channelId: CHANNEL });
    for (const block of blocks) expect((await ledger.blockByHash(headerHashOf(block.getHeader()!)))?.getHeader()?.getNumber()).toBe(block.getHeader()!.getNumber());
    await ledger.close();
    const check = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
    await check.open();
    try {
      expect(await check.get(BLOCK_HASH_INDEXED_KEY)).toBeDefined();
    } finally {
      await check.close();
    }
    ledger = await PeerLedger.open(dir, { channelId: CHANNEL });
  });
});
