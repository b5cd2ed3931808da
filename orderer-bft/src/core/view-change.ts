import { adoptCheckpoint } from './checkpointing.js';
import { isValidViewChange, planNewView, verifyNewView, type NewViewPlan } from './certificates.js';
import type { Complain, Envelope, NewView, NewViewRequest, PrePrepare, Prepare, ViewChange } from './messages.js';
import { checkPrepared, deliverCommitted } from './normal-case.js';
import type { ReplicaState } from './replica-state.js';
import { markBehind, provenView } from './state-transfer.js';

const MAX_BACKOFF_DOUBLINGS = 6;
/** A VIEW-CHANGE still waiting for its quorum is re-sent at most every 2^2 = 4 view-change timeouts. */
const MAX_RESEND_DOUBLINGS = 2;
/** Request timers grow at most 2^4 = 16-fold (1 s + 2 s → 16 s + 32 s with the runtime timing). */
export const MAX_REQUEST_TIMER_DOUBLINGS = 4;

/**
 * PBFT §4.4: stop accepting messages of the current view and vote for `target`. The vote is
 * persisted first so that, after a crash, we never act in an abandoned view again.
 */
export function startViewChange(s: ReplicaState, target: number): void {
  if (target <= s.view) return;
  s.view = target;
  s.promisedView = Math.max(s.promisedView, target);
  s.mode = 'view-change';
  s.counters.viewChangesStarted += 1;
  s.viewChangeTimerArmed = false;
  s.viewChangeResends = 0;
  s.persist({ kind: 'view-change', view: target });
  sendViewChange(s);
}

/**
 * Broadcasts VIEW-CHANGE(v, n = stable checkpoint, C, P). Until the new-view timer is armed (see
 * {@link armViewChangeTimer}) the deadline is only a re-send: VIEW-CHANGEs are not retransmitted
 * otherwise, and a peer that lost ours, or restarted, must still be able to join this view.
 */
export function sendViewChange(s: ReplicaState): void {
  const prepared = [...s.preparedCertificates.values()]
    .filter((cert) => cert.prePrepare.body.seq > s.stable.seq && cert.prePrepare.body.view < s.view)
    .sort((a, b) => a.prePrepare.body.seq - b.prePrepare.body.seq);
  const envelope = s.broadcast<ViewChange>({ type: 'view-change', view: s.view, checkpoint: s.stable, prepared });
  s.latestViewChanges.set(s.id, envelope);
  s.resendViewChange = false;
  if (!s.viewChangeTimerArmed) {
    s.viewChangeDeadline = s.now + s.config.viewChangeTimeout * 2 ** Math.min(s.viewChangeResends, MAX_RESEND_DOUBLINGS);
    s.viewChangeResends += 1;
  }
  armViewChangeTimer(s);
  maybeSendNewView(s);
}

/**
 * PBFT §4.5.2: the new-view timer starts only once 2f+1 replicas (ourselves included) ask for our
 * view or a later one, and doubles with each consecutive view change that then fails. A replica
 * without that quorum waits instead of escalating: a view no quorum asks for cannot be installed,
 * and climbing alone on doubling timers left replicas views apart long after the faults were gone
 * (sim seed 1512 on the earlier core: 1 and 3 in view 8 on 32 s timers, 2 alone in view 9). The
 * replicas behind are pulled up by the f+1 rule ({@link joinSupportedViewChange}) instead.
 */
function armViewChangeTimer(s: ReplicaState): void {
  if (s.mode !== 'view-change' || s.viewChangeTimerArmed || viewChangeSupport(s) < s.quorum) return;
  s.viewChangeTimerArmed = true;
  s.viewChangeDeadline = s.now + s.config.viewChangeTimeout * 2 ** Math.min(s.viewChangeAttempts, MAX_BACKOFF_DOUBLINGS);
  s.viewChangeAttempts += 1;
}

/**
 * Replicas whose latest VIEW-CHANGE asks for our view or a later one. One whose sender has since
 * shown it works in that view (or later) no longer asks for anything: after a restart, links
 * flush the VIEW-CHANGEs of a view change long done, and counting them sent a restarted replica
 * on alone into view + 1 (live issue-17 test).
 */
function viewChangeSupport(s: ReplicaState): number {
  let support = 0;
  for (const vc of s.latestViewChanges.values()) {
    const stale = vc.from !== s.id && (s.viewEvidence.get(vc.from) ?? -1) >= vc.body.view;
    if (vc.body.view >= s.view && !stale) support += 1;
  }
  return support;
}

/**
 * Our request timers expired (or the leader proposed garbage): complain, and change views once
 * f+1 replicas complain. Re-sent at most once per `resendAfter` while the cause lasts, since a
 * complaint is not retransmitted otherwise.
 */
export function complain(s: ReplicaState, resendAfter: number): void {
  if (s.mode !== 'normal') return;
  const view = s.view + 1;
  if (s.lastComplaint !== undefined && s.lastComplaint.view === view && s.now < s.lastComplaint.at + resendAfter) return;
  s.lastComplaint = { view, at: s.now };
  s.complaints.set(s.id, view);
  s.broadcast<Complain>({ type: 'complain', view });
  checkComplaints(s);
}

/** Records a peer's complaint about its view; ours is the same view if we are in step. */
export function onComplain(s: ReplicaState, envelope: Envelope<Complain>): void {
  const view = envelope.body.view;
  if (view <= s.view) {
    s.counters.stale += 1;
    return;
  }
  if (view > (s.complaints.get(envelope.from) ?? 0)) s.complaints.set(envelope.from, view);
  checkComplaints(s);
}

/** f+1 complaints about our view (at least one honest): vote for the next one (PBFT §4.4). */
function checkComplaints(s: ReplicaState): void {
  if (s.mode !== 'normal') return;
  let count = 0;
  for (const view of s.complaints.values()) if (view === s.view + 1) count += 1;
  if (count >= s.f + 1) startViewChange(s, s.view + 1);
}

/** When our pending complaint is due to be re-sent, if any. */
export function complaintResendAt(s: ReplicaState, resendAfter: number): number | undefined {
  const c = s.lastComplaint;
  return c !== undefined && c.view === s.view + 1 && s.mode === 'normal' ? c.at + resendAfter : undefined;
}

/**
 * The view-change deadline passed. With the new-view timer armed (2f+1 asked for this view and no
 * valid NEW-VIEW came), PBFT §4.5.2 moves on to the next view. Otherwise no quorum asks for it: a
 * replica alone in its view change (it was cut off, or its request timers misjudged a leader it
 * could not see) racing into ever higher views (issue 17: 25 against the quorum's 20) ends where
 * no NEW-VIEW of the quorum can reach it. So it goes back, as a follower, to a lower view f+1
 * peers work in ({@link returnToQuorumView}), or failing that re-sends its VIEW-CHANGE and waits.
 */
export function onViewChangeTimeout(s: ReplicaState): void {
  // The quorum that armed the timer is counted again: VIEW-CHANGEs whose senders have since shown
  // they work in this view (flushed to us after a restart, read before any heartbeat) ask for
  // nothing any more, and the NEW-VIEW they installed is fetched (checkViewSync), not escalated past.
  if (s.viewChangeTimerArmed && viewChangeSupport(s) < s.quorum) s.viewChangeTimerArmed = false;
  if (s.viewChangeTimerArmed) startViewChange(s, s.view + 1);
  else if (!returnToQuorumView(s)) sendViewChange(s);
}

/**
 * Issue 17: alone in a view change (its VIEW-CHANGE was lone: persisted just before a crash, or
 * sent on a faulty replica's complaint) while f+1 peers — at least one honest — keep working in
 * a lower view `w` we had installed or that has a NEW-VIEW since. Waiting for the cluster to
 * change views would leave it with one replica fewer for as long as it stays in `w`; PBFT never
 * lets a replica return to a view it voted to leave, because its VIEW-CHANGE may still be used in
 * a NEW-VIEW. So it comes back as a follower ({@link ReplicaState.following}): in `w`, it decides
 * what the others' commit quorums decide and votes in none. Returns false if there is no such view.
 */
function returnToQuorumView(s: ReplicaState): boolean {
  const target = provenView(s);
  if (s.mode !== 'view-change' || target >= s.view || target < s.installedView) return false;
  if (!isLoneViewChange(s)) return false;
  if (target === s.installedView) {
    // Its NEW-VIEW (if any: view 0 has none) is already applied to our log.
    s.view = target;
    s.mode = 'normal';
    s.viewChangeDeadline = undefined;
    s.viewChangeAttempts = 0;
    s.viewChangeTimerArmed = false;
    s.viewChangeResends = 0;
    s.lastProgressAt = s.now;
    s.pool.restartTimers(s.now);
    return true;
  }
  // A NEW-VIEW we missed: ask for it (checked by onNewView like any other), and look again later.
  s.viewSyncAt = s.now;
  s.broadcast<NewViewRequest>({ type: 'new-view-request', view: target });
  s.viewChangeDeadline = s.now + s.config.viewChangeTimeout;
  return true;
}

/** The NEW-VIEW {@link returnToQuorumView} asked for: a lower view f+1 peers work in. */
function isReturnView(s: ReplicaState, view: number): boolean {
  return s.mode === 'view-change' && view < s.view && view > s.installedView && view <= provenView(s) && isLoneViewChange(s);
}

/**
 * Our view change is lone: at most f replicas, ourselves included, ask for our view. With f+1 it
 * may hold an honest peer besides us and still gather the 2f+1 that arm its timer, so we wait with
 * re-sends instead (`core/view-change-timer.test.ts`, the sim seed 1512 shape, where dead peers'
 * last status still shows the lower view).
 */
function isLoneViewChange(s: ReplicaState): boolean {
  return viewChangeSupport(s) <= s.f;
}

/** Records a verified VIEW-CHANGE; only each replica's latest one matters (bounded memory). */
export function onViewChange(s: ReplicaState, envelope: Envelope<ViewChange>): void {
  const view = envelope.body.view;
  if (view < s.view || (view === s.view && s.mode === 'normal')) {
    s.counters.stale += 1;
    return;
  }
  if (!isValidViewChange(s, envelope)) {
    s.counters.rejectedViewChanges += 1;
    return;
  }
  const previous = s.latestViewChanges.get(envelope.from);
  if (previous !== undefined && previous.body.view >= view) return;
  s.latestViewChanges.set(envelope.from, envelope);
  joinSupportedViewChange(s);
  armViewChangeTimer(s);
  maybeSendNewView(s);
}

/**
 * PBFT §4.5.2 liveness rule: f+1 replicas asking for views above ours include an honest one,
 * so join the smallest of those views even before our own timers fire.
 */
function joinSupportedViewChange(s: ReplicaState): void {
  const ahead = [...s.latestViewChanges.values()]
    .filter((vc) => vc.from !== s.id && vc.body.view > s.view)
    .map((vc) => vc.body.view)
    .sort((a, b) => a - b);
  if (ahead.length >= s.f + 1) startViewChange(s, ahead[0]!);
}

/** The new leader, holding 2f+1 view-changes for its view, issues NEW-VIEW (PBFT §4.4). */
function maybeSendNewView(s: ReplicaState): void {
  if (s.mode !== 'view-change' || !s.isLeader || s.following || s.newViewSentFor >= s.view) return;
  const candidates = [...s.latestViewChanges.values()]
    .filter((vc) => vc.body.view === s.view)
    .sort((a, b) => a.from - b.from);
  if (candidates.length < s.quorum) return;
  const chosen = consistentQuorum(s, candidates);
  // Every quorum we hold re-issues something contradicting our ledger (> f faulty): sign none,
  // wait for more VIEW-CHANGEs or let the view time out.
  if (chosen === undefined) return;
  const { viewChanges, plan } = chosen;
  const prePrepares = plan.entries.map((entry) =>
    s.seal<PrePrepare>({ type: 'pre-prepare', view: s.view, seq: entry.seq, proposal: entry.proposal }),
  );
  s.newViewSentFor = s.view;
  // Durable before it leaves (issue 14): a leader that forgot a sent NEW-VIEW would build a
  // different one after a restart, and two quorums could decide different proposals at one seq.
  const envelope = s.seal<NewView>({ type: 'new-view', view: s.view, viewChanges, prePrepares });
  s.persist({ kind: 'new-view', view: s.view, envelope });
  if (s.config.n > 1) s.emit({ type: 'broadcast', envelope });
  installNewView(s, envelope, plan, false);
}

/**
 * The first quorum-sized subset of `candidates` (in sender order) whose O agrees with every
 * sequence we decided. Backups accept any valid V, so the leader may choose; choosing one that
 * re-issues our own decisions means it never signs a pre-prepare contradicting its ledger.
 * At most C(n, 2f+1) subsets (120 for n = 10); the first one is taken whenever it is consistent.
 */
function consistentQuorum(
  s: ReplicaState, candidates: readonly Envelope<ViewChange>[],
): { viewChanges: Envelope<ViewChange>[]; plan: NewViewPlan } | undefined {
  const pick: Envelope<ViewChange>[] = [];
  const search = (start: number): { viewChanges: Envelope<ViewChange>[]; plan: NewViewPlan } | undefined => {
    if (pick.length === s.quorum) {
      const plan = planNewView(s, pick);
      const consistent = plan.entries.every((entry) => (s.decidedDigests.get(entry.seq) ?? entry.digest) === entry.digest);
      return consistent ? { viewChanges: [...pick], plan } : undefined;
    }
    for (let i = start; i <= candidates.length - (s.quorum - pick.length); i += 1) {
      pick.push(candidates[i]!);
      const found = search(i + 1);
      pick.pop();
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return search(0);
}

/** Backups check NEW-VIEW against its own proof before entering the view (PBFT §4.4). */
export function onNewView(s: ReplicaState, envelope: Envelope<NewView>): void {
  const view = envelope.body.view;
  if ((view < s.view && !isReturnView(s, view)) || (view === s.view && s.mode === 'normal')) {
    s.counters.stale += 1;
    return;
  }
  const plan = verifyNewView(s, envelope);
  if (plan === undefined) {
    s.counters.rejectedNewViews += 1;
    return;
  }
  // Our own, relayed back after we lost its record: never build another one for this view.
  if (envelope.from === s.id) s.newViewSentFor = Math.max(s.newViewSentFor, view);
  installNewView(s, envelope, plan);
}

/**
 * Enters the view: persist it, adopt min-s, re-run agreement on every re-issued proposal
 * (also those we already decided, so lagging replicas can finish them), restart request
 * timers for the new leader, and replay buffered messages of this view.
 */
export function installNewView(s: ReplicaState, envelope: Envelope<NewView>, plan: NewViewPlan, persist = true): void {
  s.view = envelope.body.view;
  s.installedView = s.view;
  s.mode = 'normal';
  s.viewChangeDeadline = undefined;
  s.viewChangeAttempts = 0;
  s.viewChangeTimerArmed = false;
  s.viewChangeResends = 0;
  noteViewInstalled(s);
  s.lastNewView = envelope;
  if (persist) s.persist({ kind: 'new-view', view: s.view, envelope });
  adoptCheckpoint(s, plan.checkpoint);
  if (plan.checkpoint.seq > s.tip.seq) markBehind(s, true);
  installReissued(s, envelope, true);
  s.pool.restartTimers(s.now);
  s.replay.push(...s.takeFuture());
  deliverCommitted(s);
}

/**
 * Request-timer backoff bookkeeping of a view installation; also replayed from each `new-view`
 * WAL record on restore, where the decisions written before it give the same tip, so the
 * restored timers equal those before the crash (records discarded below a checkpoint can only
 * make them shorter, never longer).
 */
export function noteViewInstalled(s: ReplicaState): void {
  s.requestTimerDoublings = s.tip.seq > s.tipAtViewInstall ? 0 : Math.min(s.requestTimerDoublings + 1, MAX_REQUEST_TIMER_DOUBLINGS);
  s.tipAtViewInstall = s.tip.seq;
  s.lastProgressAt = s.now;
}

/** Puts NEW-VIEW's O into the log; `send` is false while rebuilding from the WAL. */
export function installReissued(s: ReplicaState, envelope: Envelope<NewView>, send: boolean): void {
  for (const prePrepare of envelope.body.prePrepares) {
    const { view, seq } = prePrepare.body;
    if (seq <= s.stable.seq) continue;
    const digest = s.proposalDigest(prePrepare.body.proposal);
    const decided = s.decidedDigests.get(seq);
    // PBFT's safety argument says a valid NEW-VIEW never contradicts a decision; if one does, more
    // than f replicas are faulty (or a leader forgot its NEW-VIEW, issue 14). Voting for it would
    // let a second quorum form at a decided sequence, so we refuse the entry and keep our history.
    if (decided !== undefined && decided !== digest) {
      s.counters.conflictingReissues += 1;
      continue;
    }
    const slot = s.slot(seq, view);
    if (slot.prePrepare !== undefined) continue;
    slot.prePrepare = prePrepare;
    slot.digest = digest;
    slot.certified = true;
    slot.accepted = true;
    if (!send) {
      // Rebuilding from the WAL: we sent this prepare before the crash; it still counts.
      if (s.leaderOf(view) !== s.id && !s.following) slot.prepares.set(s.id, s.seal<Prepare>({ type: 'prepare', view, seq, digest }));
      continue;
    }
    if (!s.isLeader && !s.following) slot.prepares.set(s.id, s.broadcast<Prepare>({ type: 'prepare', view, seq, digest: slot.digest }));
    checkPrepared(s, slot);
  }
}

/** Records the view a peer's normal-case message shows it is in (for view synchronisation). */
export function noteView(s: ReplicaState, replica: number, view: number): void {
  if (replica !== s.id && view > (s.viewEvidence.get(replica) ?? 0)) s.viewEvidence.set(replica, view);
}

/**
 * View synchronisation: when f+1 peers work in a view we have not installed (we missed its
 * NEW-VIEW, or restarted), ask for that NEW-VIEW; it carries its own proof.
 */
export function checkViewSync(s: ReplicaState): void {
  const views = [...s.viewEvidence.values()].sort((a, b) => b - a);
  const target = views[s.f];
  if (target === undefined || target < s.view || (target === s.view && s.mode === 'normal')) return;
  if (s.viewSyncAt !== undefined && s.now < s.viewSyncAt + s.config.viewChangeTimeout) return;
  s.viewSyncAt = s.now;
  s.broadcast<NewViewRequest>({ type: 'new-view-request', view: target });
}

/** Serves a lagging peer the latest NEW-VIEW we installed, if it is recent enough. */
export function onNewViewRequest(s: ReplicaState, envelope: Envelope<NewViewRequest>): void {
  if (s.lastNewView === undefined || s.lastNewView.body.view < envelope.body.view) return;
  // A NEW-VIEW carries 2f+1 view-changes with their certificates: answering every request would
  // let one replica make us send megabytes. An honest requester retries once per view-change
  // timeout (checkViewSync), so one answer per half of it never delays an honest one.
  const served = s.newViewRequestServedAt.get(envelope.from);
  if (served !== undefined && s.now < served + s.config.viewChangeTimeout / 2) {
    s.counters.throttledNewViewRequests += 1;
    return;
  }
  s.newViewRequestServedAt.set(envelope.from, s.now);
  s.emit({ type: 'send', to: envelope.from, envelope: s.lastNewView });
}
