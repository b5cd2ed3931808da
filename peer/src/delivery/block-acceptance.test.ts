import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConsenters, type ResolvedConsenter } from '@speedledger/orderer-bft';
import { acceptBlock, chainTipOf } from './block-acceptance.js';
import { foreignGenesis, headerHash, signedChain, withSignersOnly, withTamperedData, type SignedChain } from './test-support/signed-chain.js';

let chain: SignedChain;
let consenters: ResolvedConsenter[];

beforeAll(async () => {
  chain = await signedChain(2);
  consenters = resolveConsenters(chain.consenters);
}, 30_000);

describe('acceptBlock', () => {
  const tipAfter = (n: number) => ({ nextBlock: n + 1, previousHeaderHash: headerHash(chain.blocks[n]!) });

  it('accepts the next quorum-signed block and advances the tip to it', () => {
    const verdict = acceptBlock(chain.blocks[1]!, tipAfter(0), consenters, chain.quorum);
    expect(verdict.ok).toBe(true);
    expect(verdict.ok && verdict.tip.nextBlock).toBe(2);
    expect(verdict.ok && Buffer.from(verdict.tip.previousHeaderHash)).toEqual(Buffer.from(headerHash(chain.blocks[1]!)));
    expect(acceptBlock(withSignersOnly(chain.blocks[1]!, [1, 3, 4]), tipAfter(0), consenters, chain.quorum).ok).toBe(true);
  });

  it('refuses a block with only f = 1 or 2f = 2 valid signatures', () => {
    for (const keep of [[2], [1, 4]]) {
      expect(acceptBlock(withSignersOnly(chain.blocks[1]!, keep), tipAfter(0), consenters, chain.quorum))
        .toMatchObject({ ok: false, reason: 'BLOCK_REFUSED_SIGNATURES', signers: keep });
    }
  });

  it('refuses tampered data, a broken chain and an unexpected number', () => {
    expect(acceptBlock(withTamperedData(chain.blocks[1]!, chain.client), tipAfter(0), consenters, chain.quorum))
      .toMatchObject({ ok: false, reason: 'BLOCK_REFUSED_DATA_HASH' });
    expect(acceptBlock(chain.blocks[1]!, { nextBlock: 1, previousHeaderHash: headerHash(foreignGenesis()) }, consenters, chain.quorum))
      .toMatchObject({ ok: false, reason: 'BLOCK_REFUSED_CHAIN' });
    expect(acceptBlock(chain.blocks[2]!, tipAfter(0), consenters, chain.quorum)).toMatchObject({ ok: false, reason: 'BLOCK_REFUSED_NUMBER' });
  });
});

describe('chainTipOf', () => {
  it('starts after the ledger tip, and refuses an empty ledger', () => {
    const hash = headerHash(chain.blocks[0]!);
    expect(chainTipOf({ height: () => 1, lastBlockHash: () => hash })).toEqual({ nextBlock: 1, previousHeaderHash: hash });
    expect(() => chainTipOf({ height: () => 0, lastBlockHash: () => undefined })).toThrow(RangeError);
  });
});
