import type { ReplicaConfig } from '../core/config.js';
import { leaderOf } from '../core/config.js';
import type { Decision } from '../core/decision.js';
import type { ReplicaDependencies } from '../core/dependencies.js';
import type { Commit, Envelope, NewView, PrePrepare, Prepare, ViewChange } from '../core/messages.js';
import { ReplicaState } from '../core/replica-state.js';
import type { Prng } from './prng.js';
import { proposalDigestOf } from './proposal-digest.js';
import type { ByzantineBehaviour } from './scenario.js';
import { encodeSimRequest } from './sim-assembler.js';
import { ViewChangeTactics } from './view-change-tactics.js';

/** An outbound message as the adversary decides to send it (`to` undefined = everyone). */
export interface Outbound {
  readonly to?: number;
  readonly envelope: unknown;
}

const REPLAY_MEMORY = 300;
const VOTE_MEMORY = 4096;

/**
 * The Byzantine part of a faulty replica. It wraps an honest core and rewrites what leaves it —
 * silence, forged and corrupted signatures, garbage, replays, adversarial view-changes and
 * new-views, votes for every branch, tampered state-transfer answers — and may answer what it
 * receives. It holds only its own key.
 */
export class Adversary {
  private readonly seen: Envelope[] = [];
  private readonly voted = new Set<string>();
  private readonly tactics: ViewChangeTactics;

  constructor(
    readonly behaviour: ByzantineBehaviour,
    private readonly self: number,
    private readonly n: number,
    f: number,
    config: ReplicaConfig,
    private readonly deps: ReplicaDependencies,
    private readonly rng: Prng,
  ) {
    this.tactics = new ViewChangeTactics(self, n, f, new ReplicaState(config, deps), rng);
  }

  /** Sees a received message first; returns what the adversary sends in answer. */
  inbound(envelope: Envelope): Outbound[] {
    const body = envelope.body;
    switch (this.behaviour) {
      case 'replayer':
        if (this.seen.length >= REPLAY_MEMORY) this.seen[this.rng.int(0, REPLAY_MEMORY - 1)] = envelope;
        else this.seen.push(envelope);
        return [];
      case 'liar':
        if (body.type === 'view-change') this.tactics.noteReceived(envelope as Envelope<ViewChange>);
        return [];
      case 'two-faced':
        if (body.type !== 'view-change') return [];
        this.tactics.noteReceived(envelope as Envelope<ViewChange>);
        return this.tactics.twoFacedFollowUp();
      case 'equivocator': {
        if (body.type === 'view-change') {
          this.tactics.noteReceived(envelope as Envelope<ViewChange>);
          return this.tactics.helpNewLeader(envelope as Envelope<ViewChange>);
        }
        const prePrepares = body.type === 'pre-prepare' ? [envelope as Envelope<PrePrepare>] : body.type === 'new-view' ? body.prePrepares : [];
        return prePrepares.flatMap((pp) => this.voteFor(pp));
      }
      default:
        return [];
    }
  }

  outbound(envelope: Envelope, to: number | undefined): Outbound[] {
    const honest: Outbound = to === undefined ? { envelope } : { to, envelope };
    const body = envelope.body;
    if (body.type === 'view-change' && envelope.from === this.self) this.tactics.noteOwn(envelope as Envelope<ViewChange>);
    switch (this.behaviour) {
      case 'silent':
        return [];
      case 'twins':
      case 'equivocator':
        return [honest];
      case 'forger':
        return this.rng.chance(0.5) ? [honest, { to: this.randomPeer(), envelope: this.corrupt(envelope) }] : [honest];
      case 'replayer': {
        const out = [honest];
        if (this.seen.length > 0 && this.rng.chance(0.4)) out.push({ to: this.randomPeer(), envelope: this.rng.pick(this.seen) });
        if (this.rng.chance(0.1)) out.push({ envelope });
        return out;
      }
      case 'liar':
        if (body.type === 'view-change') return this.tactics.lyingViewChange(envelope as Envelope<ViewChange>);
        if (body.type === 'new-view' && envelope.from === this.self) return [{ envelope: this.tactics.lyingNewView(body) }];
        return [honest];
      case 'two-faced':
        if (body.type === 'new-view' && envelope.from === this.self && to === undefined) {
          return this.tactics.twoFacedNewView(envelope as Envelope<NewView>);
        }
        return [honest];
    }
  }

  /** What the adversary answers to a state-transfer request. */
  transferResponse(decisions: readonly Decision[]): unknown[] {
    if (this.behaviour !== 'forger' && this.behaviour !== 'liar') return [...decisions];
    const first = decisions[0];
    if (first === undefined) return [];
    const variant = this.rng.int(0, 2);
    const forged: unknown =
      variant === 0
        ? { ...first, proposal: { ...first.proposal, payload: encodeSimRequest('mallory', String(this.rng.nextUint32())) } }
        : variant === 1
          ? { ...first, signatures: first.signatures.slice(0, 1) }
          : { seq: 'garbage' };
    return [forged, ...decisions.slice(1)];
  }

  /**
   * Votes for both branches: a prepare and a signed commit for every proposal any leader
   * pre-prepared (directly or in a NEW-VIEW's O), whatever the core inside accepted.
   */
  private voteFor(pp: Envelope<PrePrepare>): Outbound[] {
    const { view, seq, proposal } = pp.body;
    if (pp.from !== leaderOf(view, this.n) || leaderOf(view, this.n) === this.self) return [];
    const digest = proposalDigestOf(this.deps.hasher, proposal);
    const key = `${view}|${seq}|${digest}`;
    if (this.voted.has(key)) return [];
    if (this.voted.size >= VOTE_MEMORY) this.voted.clear();
    this.voted.add(key);
    const signature = this.deps.signer.signProposal(proposal, { sequence: seq, view, digest });
    const votes = [
      this.tactics.seal<Prepare>({ type: 'prepare', view, seq, digest }),
      this.tactics.seal<Commit>({ type: 'commit', view, seq, digest, signature }),
    ];
    // Mostly to everyone; sometimes to a chosen half, so that honest replicas see different branches.
    const audience = this.rng.chance(0.7) ? undefined : this.rng.shuffled(this.peers()).slice(0, Math.ceil((this.n - 1) / 2));
    return votes.flatMap((envelope) => (audience === undefined ? [{ envelope }] : audience.map((to) => ({ to, envelope }))));
  }

  private peers(): number[] {
    return [...Array(this.n).keys()].filter((id) => id !== this.self);
  }

  private randomPeer(): number {
    const peers = this.peers();
    return peers.length === 0 ? this.self : this.rng.pick(peers);
  }

  private corrupt(envelope: Envelope): unknown {
    switch (this.rng.int(0, 3)) {
      case 0: {
        const signature = new Uint8Array(envelope.signature);
        signature[0] = (signature[0] ?? 0) ^ 0x01;
        return { ...envelope, signature };
      }
      case 1:
        return { ...envelope, body: { ...envelope.body, digest: 'f'.repeat(64), seq: 1 } };
      case 2:
        return this.tactics.seal(envelope.body, this.randomPeer());
      default:
        return this.rng.pick([{ from: -1 }, { ...envelope, body: null }, 'garbage', { ...envelope, body: { type: 'prepare', view: 'x' } }]);
    }
  }
}
