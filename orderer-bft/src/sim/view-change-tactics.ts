import { canonicalBytes } from '../core/canonical-bytes.js';
import { isValidViewChange, planNewView } from '../core/certificates.js';
import { leaderOf } from '../core/config.js';
import type {
  CheckpointCertificate, Envelope, Message, NewView, PrePrepare, Prepare, PreparedCertificate, ViewChange,
} from '../core/messages.js';
import type { ReplicaState } from '../core/replica-state.js';
import type { Outbound } from './adversary.js';
import type { Prng } from './prng.js';
import { encodeSimRequest } from './sim-assembler.js';

const STALE_HISTORY = 64;

/**
 * The view-change half of an adversary. It holds only its own key; `certs` (a core state of
 * its own, never stepped) supplies the certificate rules, so the NEW-VIEWs and VIEW-CHANGEs it
 * builds are exactly the ones honest replicas accept — validly signed, adversarially chosen.
 */
export class ViewChangeTactics {
  /** Latest VIEW-CHANGE received from each other replica. */
  private readonly received = new Map<number, Envelope<ViewChange>>();
  /** Our own latest VIEW-CHANGE (as the honest core inside built it). */
  private ownLatest?: Envelope<ViewChange>;
  /** Every prepared certificate our core ever reported, oldest first: material for stale ones. */
  private readonly history: PreparedCertificate[] = [];
  /** VIEW-CHANGEs already answered: each one sent (a re-send after a restart too) is answered once. */
  private readonly helped = new WeakSet<object>();
  /** A two-faced leader's NEW-VIEW whose second face is still to be sent, and to whom. */
  private pendingTwoFaced?: { readonly honest: Envelope<NewView>; readonly others: readonly number[] };

  constructor(
    private readonly self: number,
    private readonly n: number,
    private readonly f: number,
    private readonly certs: ReplicaState,
    private readonly rng: Prng,
  ) {}

  private get quorum(): number {
    return 2 * this.f + 1;
  }

  seal<M extends Message>(body: M, from = this.self): Envelope<M> {
    return { from, body, signature: this.certs.deps.signer.sign(canonicalBytes(body)) };
  }

  /** Remembers a VIEW-CHANGE another replica sent (valid or not: checked when used). */
  noteReceived(envelope: Envelope<ViewChange>): void {
    if (envelope.from === this.self) return;
    const previous = this.received.get(envelope.from);
    if (previous === undefined || previous.body.view <= envelope.body.view) this.received.set(envelope.from, envelope);
  }

  /** Remembers the VIEW-CHANGE our honest core wants to send. */
  noteOwn(envelope: Envelope<ViewChange>): void {
    this.ownLatest = envelope;
    for (const cert of envelope.body.prepared) {
      if (!this.history.includes(cert)) this.history.push(cert);
    }
    if (this.history.length > STALE_HISTORY) this.history.splice(0, this.history.length - STALE_HISTORY);
  }

  /**
   * A validly signed VIEW-CHANGE for `view` that tells as little or as old a truth as still
   * passes verification: a chosen subset of our certificates, stale (lower-view) certificates
   * where we hold newer ones, or the genesis checkpoint instead of our stable one.
   */
  adversarialViewChange(view: number): Envelope<ViewChange> {
    const base = this.ownLatest?.body;
    const checkpoint = base?.checkpoint ?? this.genesisCheckpoint();
    const current = (base?.prepared ?? []).filter((c) => c.prePrepare.body.view < view);
    const variant = this.rng.int(0, 3);
    let chosen: PreparedCertificate[];
    let cp = checkpoint;
    if (variant === 0) chosen = [];
    else if (variant === 1) chosen = current.filter(() => this.rng.chance(0.5));
    else if (variant === 2) chosen = current.map((cert) => this.stalest(cert, view));
    else {
      cp = this.genesisCheckpoint();
      chosen = [...current, ...this.history].filter((c, i, all) =>
        c.prePrepare.body.view < view && all.findIndex((o) => o.prePrepare.body.seq === c.prePrepare.body.seq) === i);
    }
    const inWindow = chosen
      .filter((c) => c.prePrepare.body.seq > cp.seq && c.prePrepare.body.seq <= cp.seq + this.certs.config.logWindow)
      .sort((a, b) => a.prePrepare.body.seq - b.prePrepare.body.seq);
    return this.seal<ViewChange>({ type: 'view-change', view, checkpoint: cp, prepared: inWindow });
  }

  /**
   * Equivocator: when a replica asks for `view`, hand its leader a quorum of our choosing — a
   * random subset of the genuine VIEW-CHANGEs we hold (replayed, still validly signed) plus an
   * adversarial one of ours. This is how a restarted leader that forgot its NEW-VIEW gets
   * enough VIEW-CHANGEs to build a second, different one (issue 14).
   */
  helpNewLeader(trigger: Envelope<ViewChange>): Outbound[] {
    const view = trigger.body.view;
    const leader = leaderOf(view, this.n);
    if (leader === this.self || this.helped.has(trigger)) return [];
    this.helped.add(trigger);
    const out: Outbound[] = [];
    const share = this.rng.chance(0.5) ? 1 : 0.5;
    for (const vc of this.received.values()) {
      if (vc.body.view === view && vc.from !== leader && this.rng.chance(share)) out.push({ to: leader, envelope: vc });
    }
    out.push({ to: leader, envelope: this.adversarialViewChange(view) });
    return out;
  }

  /**
   * Liar: an invalid VIEW-CHANGE (fake certificate, forged checkpoint proof) or a valid but
   * adversarial one; sometimes a different one for every peer.
   */
  lyingViewChange(envelope: Envelope<ViewChange>): Outbound[] {
    const variant = (): Envelope<ViewChange> => {
      const body = envelope.body;
      switch (this.rng.int(0, 3)) {
        case 0:
          return this.seal<ViewChange>({ ...body, prepared: [...body.prepared, this.fakeCertificate(body.view, body.checkpoint.seq + 1)] });
        case 1:
          return this.seal<ViewChange>({ ...body, checkpoint: { seq: body.checkpoint.seq + 5, digest: 'b'.repeat(64), proof: [] } });
        default:
          return this.adversarialViewChange(body.view);
      }
    };
    if (this.rng.chance(0.5)) return [{ envelope: variant() }];
    return this.peers().map((to) => ({ to, envelope: variant() }));
  }

  /** Liar as new leader: a NEW-VIEW whose O does not follow from V (must be refused). */
  lyingNewView(body: NewView): Envelope<NewView> {
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

  /**
   * Two-faced new leader: the honest NEW-VIEW goes to a random half of the peers only. The
   * other half gets a different one, validly signed and verifiable — O derived correctly from
   * its own V — built from another quorum of VIEW-CHANGEs as soon as one more arrives
   * ({@link twoFacedFollowUp}). Until then that half hears nothing.
   */
  twoFacedNewView(honest: Envelope<NewView>): Outbound[] {
    const peers = this.rng.shuffled(this.peers());
    const half = this.rng.int(1, peers.length - 1);
    this.pendingTwoFaced = { honest, others: peers.slice(half) };
    const out = peers.slice(0, half).map((to) => ({ to, envelope: honest }));
    return [...out, ...this.twoFacedFollowUp()];
  }

  /** Sends the second NEW-VIEW once the VIEW-CHANGEs held allow a different quorum. */
  twoFacedFollowUp(): Outbound[] {
    const pending = this.pendingTwoFaced;
    if (pending === undefined) return [];
    const view = pending.honest.body.view;
    const used = pending.honest.body.viewChanges.map((vc) => vc.from).join(',');
    const pool = [...this.received.values()].filter((vc) => vc.body.view === view && isValidViewChange(this.certs, vc));
    // Our own VIEW-CHANGE is ours to rewrite: a fresh adversarial one makes a new quorum too.
    const own = this.adversarialViewChange(view);
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const subset = [own, ...this.rng.shuffled(pool).slice(0, this.quorum - 1)].sort((a, b) => a.from - b.from);
      if (subset.length < this.quorum) return [];
      const plan = planNewView(this.certs, subset);
      const prePrepares = plan.entries.map((entry) => this.seal<PrePrepare>({ type: 'pre-prepare', view, seq: entry.seq, proposal: entry.proposal }));
      const other = this.seal<NewView>({ type: 'new-view', view, viewChanges: subset, prePrepares });
      if (subset.map((vc) => vc.from).join(',') === used && prePrepares.length === pending.honest.body.prePrepares.length && attempt < 7) continue;
      this.pendingTwoFaced = undefined;
      return pending.others.map((to) => ({ to, envelope: other }));
    }
    return [];
  }

  private stalest(cert: PreparedCertificate, view: number): PreparedCertificate {
    const seq = cert.prePrepare.body.seq;
    const older = this.history.filter((c) => c.prePrepare.body.seq === seq && c.prePrepare.body.view < Math.min(view, cert.prePrepare.body.view));
    return older.length === 0 ? cert : this.rng.pick(older);
  }

  private genesisCheckpoint(): CheckpointCertificate {
    return { seq: 0, digest: this.certs.headerDigest(this.certs.deps.genesisHeader), proof: [] };
  }

  private peers(): number[] {
    return [...Array(this.n).keys()].filter((id) => id !== this.self);
  }

  /** A prepared certificate for a proposal nobody prepared; signatures of others are forged. */
  fakeCertificate(view: number, seq: number): PreparedCertificate {
    const fakeView = Math.max(0, view - 1);
    const leader = leaderOf(fakeView, this.n);
    const proposal = this.certs.deps.assembler.assemble([encodeSimRequest('mallory', String(this.rng.nextUint32()))], {
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
}
