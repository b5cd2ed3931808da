import { describe, expect, it } from 'vitest';
import { canonicalBytes } from '../core/canonical-bytes.js';
import type { Decision } from '../core/decision.js';
import type { Envelope, Message, NewView, PrePrepare } from '../core/messages.js';
import { requestKey } from '../core/request-pool.js';
import { InvariantChecker } from './invariants.js';
import { proposalDigestOf } from './proposal-digest.js';
import { encodeSimRequest, SimAssembler } from './sim-assembler.js';
import { sha256Hasher, SimKeyring } from './sim-crypto.js';

const genesis = new TextEncoder().encode('g');
const assembler = new SimAssembler(sha256Hasher);
const keyring = new SimKeyring(7, 4);

/** A decision signed by `signers` (default: a quorum of 3 of the 4 replicas). */
function decision(seq: number, previousHeader: Uint8Array, requests: Uint8Array[], signers = [0, 1, 2]): Decision {
  const proposal = assembler.assemble(requests, { sequence: seq, previousHeader });
  const digest = proposalDigestOf(sha256Hasher, proposal);
  const signatures = signers.map((replica) => ({
    replica, signature: keyring.signerFor(replica).signProposal(proposal, { sequence: seq, view: 0, digest }),
  }));
  return { seq, view: 0, proposal, digest, signatures };
}

function checkerWith(...ids: string[]): InvariantChecker {
  const checker = new InvariantChecker({ hasher: sha256Hasher, genesisHeader: genesis, verifier: keyring, n: 4 });
  for (const id of ids) checker.noteSubmitted(requestKey({ clientId: 'c', requestId: id }));
  return checker;
}

function seal<M extends Message>(from: number, body: M): Envelope<M> {
  return { from, body, signature: keyring.signerFor(from).sign(canonicalBytes(body)) };
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
    checker.onDeliver(0, decision(1, genesis, [r1]), 1);
    checker.onDeliver(1, decision(1, genesis, [r2]), 1);
    expect(checker.violations.map((v) => v.invariant)).toEqual(['agreement']);
  });

  it('recomputes the digest: a fork reported under one digest is still a fork, and the lie is flagged', () => {
    const checker = checkerWith('1', '2');
    const a = decision(1, genesis, [r1]);
    const b = decision(1, genesis, [r2]);
    checker.onDeliver(0, a, 1);
    checker.onDeliver(1, { ...b, digest: a.digest }, 1);
    expect(checker.violations.map((v) => v.invariant)).toEqual(['digest', 'agreement']);
  });

  it('verifies 2f+1 distinct commit signatures: too few, duplicated, out of range or forged ones fail', () => {
    const good = decision(1, genesis, [r1]);
    const [s0, s1] = good.signatures;
    const forged = { replica: 2, signature: new Uint8Array(good.signatures[2]!.signature).map((b, i) => (i === 0 ? b ^ 1 : b)) };
    const variants: Decision[] = [
      decision(1, genesis, [r1], [0, 1]),
      { ...good, signatures: [s0!, s1!, s1!] },
      { ...good, signatures: [s0!, s1!, { ...s1!, replica: 9 }] },
      { ...good, signatures: [s0!, s1!, forged] },
      { ...good, view: 1 },
    ];
    for (const variant of variants) {
      const checker = checkerWith('1');
      checker.onDeliver(0, variant, 1);
      expect(checker.violations.map((v) => v.invariant)).toEqual(['quorum-signatures']);
    }
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

describe('InvariantChecker: an honest replica never signs two different statements for one slot', () => {
  const p1 = assembler.assemble([encodeSimRequest('c', '1')], { sequence: 1, previousHeader: genesis });
  const p2 = assembler.assemble([encodeSimRequest('c', '2')], { sequence: 1, previousHeader: genesis });
  const d1 = proposalDigestOf(sha256Hasher, p1);
  const d2 = proposalDigestOf(sha256Hasher, p2);
  const vote = (type: 'prepare' | 'commit', from: number, view: number, digest: string): Envelope =>
    type === 'prepare'
      ? seal(from, { type, view, seq: 1, digest })
      : seal(from, { type, view, seq: 1, digest, signature: new Uint8Array(1) });

  it('accepts re-sending the same statement and votes in other views or by other replicas', () => {
    const checker = checkerWith();
    checker.onSent(2, vote('prepare', 2, 0, d1), 1);
    checker.onSent(2, vote('prepare', 2, 0, d1), 2);
    checker.onSent(2, vote('prepare', 2, 1, d2), 3);
    checker.onSent(3, vote('prepare', 3, 0, d2), 4);
    checker.onSent(2, vote('commit', 2, 0, d1), 5);
    expect(checker.violations).toEqual([]);
  });

  it('flags a second prepare or commit for a different digest at one (view, seq)', () => {
    for (const type of ['prepare', 'commit'] as const) {
      const checker = checkerWith();
      checker.onSent(2, vote(type, 2, 0, d1), 1);
      checker.onSent(2, vote(type, 2, 0, d2), 2);
      expect(checker.violations.map((v) => v.invariant)).toEqual(['equivocation']);
      expect(checker.violations[0]!.detail).toContain(`${type}s for (view 0, seq 1)`);
    }
  });

  it('flags a fresh pre-prepare that differs from one the leader re-issued in its NEW-VIEW', () => {
    const checker = checkerWith();
    const reissued = seal<PrePrepare>(1, { type: 'pre-prepare', view: 1, seq: 1, proposal: p1 });
    const newView = seal<NewView>(1, { type: 'new-view', view: 1, viewChanges: [], prePrepares: [reissued] });
    checker.onSent(1, newView, 1);
    checker.onSent(1, seal<PrePrepare>(1, { type: 'pre-prepare', view: 1, seq: 1, proposal: p2 }), 2);
    expect(checker.violations.map((v) => v.detail)).toEqual([expect.stringContaining('pre-prepares for (view 1, seq 1)')]);
  });

  it('flags two different NEW-VIEWs for one view, and ignores messages relayed for others', () => {
    const checker = checkerWith();
    const a = seal<NewView>(1, { type: 'new-view', view: 1, viewChanges: [], prePrepares: [] });
    const b = seal<NewView>(1, { type: 'new-view', view: 1, viewChanges: [seal(0, { type: 'status', view: 0, seq: 0 }) as never], prePrepares: [] });
    checker.onSent(2, a, 1); // replica 2 relays 1's NEW-VIEW: not its statement
    checker.onSent(2, b, 1);
    expect(checker.violations).toEqual([]);
    checker.onSent(1, a, 2);
    checker.onSent(1, b, 3);
    expect(checker.violations.map((v) => v.detail)).toEqual([expect.stringContaining('new-views for view 1')]);
  });
});
