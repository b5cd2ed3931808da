import { common } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import type { BlockValidation } from '../validation/block-validation.js';
import { Committer } from './committer.js';
import { DeliveryError } from './delivery-error.js';

function block(n: number): common.Block {
  const header = new common.BlockHeader();
  header.setNumber(n);
  const b = new common.Block();
  b.setHeader(header);
  return b;
}

const validationOf = (b: common.Block): BlockValidation => ({ blockNumber: b.getHeader()!.getNumber(), transactions: [], transactionsFilter: new Uint8Array() });

describe('Committer', () => {
  it('validates and commits one block at a time in order, each validation after the previous commit', async () => {
    const trace: string[] = [];
    let release: (() => void) | undefined;
    const committer = new Committer({
      validate: async (b) => {
        trace.push(`validate ${b.getHeader()!.getNumber()}`);
        if (b.getHeader()!.getNumber() === 1) await new Promise<void>((resolve) => (release = resolve));
        return validationOf(b);
      },
      ledger: { commit: async (b) => void trace.push(`commit ${b.getHeader()!.getNumber()}`) },
    });
    const done = [1, 2, 3].map((n) => committer.handle(block(n)));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(trace).toEqual(['validate 1']);
    expect(committer.pending).toBe(3);
    release!();
    await Promise.all(done);
    expect(trace).toEqual(['validate 1', 'commit 1', 'validate 2', 'commit 2', 'validate 3', 'commit 3']);
    expect(committer.pending).toBe(0);
  });

  it('rejects the block whose validation or commit fails, and goes on with the next', async () => {
    const committed: number[] = [];
    const committer = new Committer({
      validate: async (b) => {
        if (b.getHeader()!.getNumber() === 2) throw new Error('validator down');
        return validationOf(b);
      },
      ledger: { commit: async (b) => void committed.push(b.getHeader()!.getNumber()) },
    });
    const results = await Promise.allSettled([1, 2, 3].map((n) => committer.handle(block(n))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(committed).toEqual([1, 3]);
  });

  it('refuses blocks once stopped', async () => {
    const committer = new Committer({ validate: async (b) => validationOf(b), ledger: { commit: async () => undefined } });
    await committer.stop();
    const error = await committer.handle(block(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).code).toBe('COMMITTER_STOPPED');
  });
});
