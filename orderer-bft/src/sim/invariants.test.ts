import { describe, expect, it } from 'vitest';
import type { Decision } from '../core/decision.js';
import { requestKey } from '../core/request-pool.js';
import { InvariantChecker } from './invariants.js';
import { encodeSimRequest, SimAssembler } from './sim-assembler.js';
import { sha256Hasher } from './sim-crypto.js';

const genesis = new TextEncoder().encode('g');
const assembler = new SimAssembler(sha256Hasher);

function decision(seq: number, previousHeader: Uint8Array, requests: Uint8Array[], digest = `d${seq}`): Decision {
  return { seq, view: 0, proposal: assembler.assemble(requests, { sequence: seq, previousHeader }), digest, signatures: [] };
}

function checkerWith(...ids: string[]): InvariantChecker {
  const checker = new InvariantChecker(sha256Hasher, genesis);
  for (const id of ids) checker.noteSubmitted(requestKey({ clientId: 'c', requestId: id }));
  return checker;
}

describe('InvariantChecker', () => {
  const r1 = encodeSimRequest('c', '1');
  const r2 = encodeSimRequest('c', '2');

  it('accepts a well-formed chain of distinct submitted requests', () => {
    const checker = checkerWith('1', '2');
    const first = decision(1, genesis, [r1]);
    checker.onDeliver(0, first, 1);
    checker.onDeliver(0, decision(2, first.proposal.header, [r2]), 2);
    checker.checkLiveness([0], 3);
    expect(checker.violations).toEqual([]);
  });

  it('flags two replicas delivering different proposals at one sequence', () => {
    const checker = checkerWith('1', '2');
    checker.onDeliver(0, decision(1, genesis, [r1], 'a'), 1);
    checker.onDeliver(1, decision(1, genesis, [r2], 'b'), 1);
    expect(checker.violations.map((v) => v.invariant)).toEqual(['agreement']);
  });

  it('flags a header that does not link to the previous decision', () => {
    const checker = checkerWith('1', '2');
    checker.onDeliver(0, decision(1, genesis, [r1]), 1);
    checker.onDeliver(0, decision(2, genesis, [r2]), 2);
    expect(checker.violations.map((v) => v.invariant)).toEqual(['hash-chain']);
  });

  it('flags unknown and twice-delivered requests, and missing ones at the end', () => {
    const checker = checkerWith('1', '2');
    const first = decision(1, genesis, [r1, encodeSimRequest('mallory', '1')]);
    checker.onDeliver(0, first, 1);
    checker.onDeliver(0, decision(2, first.proposal.header, [r1]), 2);
    checker.checkLiveness([0], 3);
    expect(checker.violations.map((v) => v.invariant)).toEqual(['unknown-request', 'duplicate-request', 'liveness']);
  });
});
