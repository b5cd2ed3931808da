import { canonicalBytes } from '../core/canonical-bytes.js';
import { leaderOf } from '../core/config.js';
import type { Decision } from '../core/decision.js';
import type { Assembler, Signer } from '../core/dependencies.js';
import type { Envelope, Message, NewView, PrePrepare, Prepare, PreparedCertificate, ViewChange } from '../core/messages.js';
import type { Prng } from './prng.js';
import type { ByzantineBehaviour } from './scenario.js';
import { encodeSimRequest } from './sim-assembler.js';

/** An outbound message as the adversary decides to send it (`to` undefined = everyone). */
export interface Outbound {
  readonly to?: number;
  readonly envelope: unknown;
}

const REPLAY_MEMORY = 300;

/**
 * The Byzantine part of a faulty replica. It wraps an honest core and rewrites what leaves it:
 * silence, forged and corrupted signatures, garbage, replays of old messages, lying
 * view-changes and new-views, tampered state-transfer answers. It holds only its own key.
 */
export class Adversary {
  private readonly seen: Envelope[] = [];

  constructor(
    readonly behaviour: ByzantineBehaviour,
    private readonly self: number,
    private readonly n: number,
    private readonly f: number,
    private readonly signer: Signer,
    private readonly assembler: Assembler,
    private readonly rng: Prng,
  ) {}

  /** Remembers received messages for later replay. */
  inbound(envelope: Envelope): void {
    if (this.behaviour !== 'replayer') return;
    if (this.seen.length >= REPLAY_MEMORY) this.seen[this.rng.int(0, REPLAY_MEMORY - 1)] = envelope;
    else this.seen.push(envelope);
  }

  outbound(envelope: Envelope, to: number | undefined): Outbound[] {
    const honest: Outbound = to === undefined ? { envelope } : { to, envelope };
    switch (this.behaviour) {
      case 'silent':
        return [];
      case 'twins':
        return [honest];
      case 'forger':
        return this.rng.chance(0.5) ? [honest, { to: this.randomPeer(), envelope: this.corrupt(envelope) }] : [honest];
      case 'replayer': {
        const out = [honest];
        if (this.seen.length > 0 && this.rng.chance(0.4)) out.push({ to: this.randomPeer(), envelope: this.rng.pick(this.seen) });
        if (this.rng.chance(0.1)) out.push({ envelope });
        return out;
      }
      case 'liar': {
        const body = envelope.body;
        if (body.type === 'view-change') return [{ envelope: this.lyingViewChange(body) }];
        if (body.type === 'new-view') return [{ envelope: this.lyingNewView(body) }];
        return [honest];
      }
    }
  }

  /** What the adversary answers to a state-transfer request. */
  transferResponse(decisions: readonly Decision[]): unknown[] {
    if (this.behaviour === 'silent' || this.behaviour === 'twins' || this.behaviour === 'replayer') return [...decisions];
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

  private randomPeer(): number {
    const peers = [...Array(this.n).keys()].filter((id) => id !== this.self);
    return peers.length === 0 ? this.self : this.rng.pick(peers);
  }

  private seal<M extends Message>(body: M, from = this.self): Envelope<M> {
    return { from, body, signature: this.signer.sign(canonicalBytes(body)) };
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
        return this.seal(envelope.body, this.randomPeer());
      default:
        return this.rng.pick([{ from: -1 }, { ...envelope, body: null }, 'garbage', { ...envelope, body: { type: 'prepare', view: 'x' } }]);
    }
  }

  /** A prepared certificate for a proposal nobody prepared; signatures of others are forged. */
  private fakeCertificate(view: number, seq: number): PreparedCertificate {
    const fakeView = Math.max(0, view - 1);
    const leader = leaderOf(fakeView, this.n);
    const proposal = this.assembler.assemble([encodeSimRequest('mallory', String(this.rng.nextUint32()))], {
      sequence: seq,
      previousHeader: new TextEncoder().encode(`fork-${this.rng.nextUint32()}`),
    });
    const prePrepare = this.seal<PrePrepare>({ type: 'pre-prepare', view: fakeView, seq, proposal }, leader);
    const digest = 'a'.repeat(64);
    const prepares: Envelope<Prepare>[] = [];
    for (let id = 0; id < this.n && prepares.length < 2 * this.f; id += 1) {
      if (id !== leader) prepares.push(this.seal<Prepare>({ type: 'prepare', view: fakeView, seq, digest }, id));
    }
    return { prePrepare, prepares };
  }

  private lyingViewChange(body: ViewChange): Envelope<ViewChange> {
    switch (this.rng.int(0, 2)) {
      case 0:
        return this.seal<ViewChange>({ ...body, prepared: [...body.prepared, this.fakeCertificate(body.view, body.checkpoint.seq + 1)] });
      case 1:
        // Omitting certificates is a lie PBFT must tolerate: the message itself stays valid.
        return this.seal<ViewChange>({ ...body, prepared: [] });
      default:
        return this.seal<ViewChange>({ ...body, checkpoint: { seq: body.checkpoint.seq + 5, digest: 'b'.repeat(64), proof: [] } });
    }
  }

  private lyingNewView(body: NewView): Envelope<NewView> {
    const first = body.prePrepares[0];
    if (first !== undefined && this.rng.chance(0.5)) {
      const forged = this.fakeCertificate(body.view + 1, first.body.seq).prePrepare.body;
      const swapped = this.seal<PrePrepare>({ ...forged, view: body.view });
      return this.seal<NewView>({ ...body, prePrepares: [swapped, ...body.prePrepares.slice(1)] });
    }
    if (first !== undefined) return this.seal<NewView>({ ...body, prePrepares: [] });
    const own = body.viewChanges.find((vc) => vc.from === this.self) ?? body.viewChanges[0]!;
    return this.seal<NewView>({ ...body, viewChanges: body.viewChanges.map(() => own) });
  }
}
