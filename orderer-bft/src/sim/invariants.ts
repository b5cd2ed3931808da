import { toHex } from '../core/bytes.js';
import type { Decision } from '../core/decision.js';
import { faultsTolerated } from '../core/config.js';
import type { Hasher, Verifier } from '../core/dependencies.js';
import type { Envelope } from '../core/messages.js';
import { requestKey } from '../core/request-pool.js';
import { proposalDigestOf } from './proposal-digest.js';
import { parseSimHeader, simInspector, SimAssembler } from './sim-assembler.js';
import { SigningRecord } from './signing-record.js';

/** A broken invariant, with where and when it was seen. */
export interface Violation {
  readonly invariant:
    | 'agreement' | 'digest' | 'quorum-signatures' | 'equivocation' | 'hash-chain' | 'unknown-request'
    | 'duplicate-request' | 'liveness' | 'halt';
  readonly at: number;
  readonly replica?: number;
  readonly detail: string;
}

interface ReplicaLedger {
  height: number;
  lastHeaderHash: string;
  readonly delivered: Set<string>;
}

/** What the checker verifies decisions against: the run's hash, genesis and public keys. */
export interface CheckerContext {
  readonly hasher: Hasher;
  readonly genesisHeader: Uint8Array;
  /** The replicas' public identities; commit signatures are verified with it. */
  readonly verifier: Verifier;
  readonly n: number;
}

/**
 * Checks the safety invariants on every delivery by an honest replica, and liveness at the
 * end: agreement per sequence on the digest recomputed from the delivered bytes (the reported
 * one must match it), 2f+1 valid commit signatures from distinct replicas on every decision,
 * an intact hash chain, only submitted requests, each at most once. {@link onSent} adds the
 * signing invariant: an honest replica never signs two different statements for one slot.
 */
export class InvariantChecker {
  readonly violations: Violation[] = [];
  private readonly decided = new Map<number, { digest: string; replica: number }>();
  private readonly ledgers = new Map<number, ReplicaLedger>();
  private readonly submitted = new Set<string>();
  private readonly assembler: SimAssembler;
  private readonly genesisHash: string;
  private readonly hasher: Hasher;
  private readonly signing: SigningRecord;
  private readonly quorum: number;

  constructor(private readonly context: CheckerContext) {
    this.hasher = context.hasher;
    this.assembler = new SimAssembler(context.hasher);
    this.genesisHash = toHex(context.hasher.hash(context.genesisHeader));
    this.signing = new SigningRecord(context.hasher);
    this.quorum = 2 * faultsTolerated(context.n) + 1;
  }

  /** The transport's hook: every envelope an honest replica sends, before the network sees it. */
  onSent(replica: number, envelope: Envelope, at: number): void {
    for (const { first, second } of this.signing.record(replica, envelope, at)) {
      const where = second.kind === 'checkpoint' ? `seq ${second.seq}` : second.kind === 'new-view' ? `view ${second.view}` : `(view ${second.view}, seq ${second.seq})`;
      this.violations.push({
        invariant: 'equivocation', at, replica,
        detail: `signed two ${second.kind}s for ${where}: ${first.digest.slice(0, 12)} at t=${first.at.toFixed(1)}, ${second.digest.slice(0, 12)}`,
      });
    }
  }

  noteSubmitted(key: string): void {
    this.submitted.add(key);
  }

  /** Keys of every request a client submitted. */
  get submittedKeys(): ReadonlySet<string> {
    return this.submitted;
  }

  deliveredBy(replica: number): ReadonlySet<string> {
    return this.ledgers.get(replica)?.delivered ?? new Set();
  }

  onDeliver(replica: number, decision: Decision, at: number): void {
    const fail = (invariant: Violation['invariant'], detail: string): void => {
      this.violations.push({ invariant, at, replica, detail });
    };
    let ledger = this.ledgers.get(replica);
    if (ledger === undefined) {
      ledger = { height: 0, lastHeaderHash: this.genesisHash, delivered: new Set() };
      this.ledgers.set(replica, ledger);
    }
    // Never trust the reported digest: agreement is on the bytes actually delivered.
    const digest = proposalDigestOf(this.hasher, decision.proposal);
    if (digest !== decision.digest) fail('digest', `seq ${decision.seq}: reported digest ${String(decision.digest).slice(0, 12)} is not the proposal's ${digest.slice(0, 12)}`);
    const first = this.decided.get(decision.seq);
    if (first === undefined) this.decided.set(decision.seq, { digest, replica });
    else if (first.digest !== digest) {
      fail('agreement', `seq ${decision.seq}: digest ${digest.slice(0, 12)} differs from ${first.digest.slice(0, 12)} delivered by replica ${first.replica}`);
    }
    const signers = this.validSigners(decision, digest);
    if (signers < this.quorum) fail('quorum-signatures', `seq ${decision.seq}: ${signers} valid commit signatures, ${this.quorum} needed`);
    const header = parseSimHeader(decision.proposal.header);
    if (decision.seq !== ledger.height + 1) fail('hash-chain', `delivered seq ${decision.seq} after ${ledger.height}`);
    else if (header === undefined || header.number !== decision.seq || header.previousHash !== ledger.lastHeaderHash) {
      fail('hash-chain', `seq ${decision.seq}: header does not link to the previous decision`);
    } else if (header.dataHash !== toHex(this.hasher.hash(decision.proposal.payload))) {
      fail('hash-chain', `seq ${decision.seq}: data hash does not match the payload`);
    }
    ledger.height = decision.seq;
    ledger.lastHeaderHash = toHex(this.hasher.hash(decision.proposal.header));
    for (const request of this.assembler.disassemble(decision.proposal) ?? []) {
      const info = simInspector.inspect(request);
      const key = info === undefined ? '<malformed>' : requestKey(info);
      if (!this.submitted.has(key)) fail('unknown-request', `seq ${decision.seq}: request ${key} was never submitted`);
      if (ledger.delivered.has(key)) fail('duplicate-request', `seq ${decision.seq}: request ${key} delivered twice`);
      ledger.delivered.add(key);
    }
  }

  /** An honest replica halted itself (the core found its own state broken): always a failure. */
  onHalt(replica: number, detail: string, at: number): void {
    this.violations.push({ invariant: 'halt', at, replica, detail });
  }

  /** Distinct replicas whose commit signature verifies over (seq, view, recomputed digest). */
  private validSigners(decision: Decision, digest: string): number {
    const context = { sequence: decision.seq, view: decision.view, digest };
    const signers = new Set<number>();
    for (const { replica, signature } of decision.signatures) {
      if (!Number.isInteger(replica) || replica < 0 || replica >= this.context.n || signers.has(replica)) continue;
      if (this.context.verifier.verifyProposalSignature(replica, decision.proposal, context, signature)) signers.add(replica);
    }
    return signers.size;
  }

  /** Liveness: every submitted request delivered by every listed replica. */
  checkLiveness(replicas: readonly number[], at: number): void {
    for (const replica of replicas) {
      const delivered = this.deliveredBy(replica);
      const missing = [...this.submitted].filter((key) => !delivered.has(key));
      if (missing.length > 0) {
        this.violations.push({
          invariant: 'liveness', at, replica,
          detail: `${missing.length} of ${this.submitted.size} requests not delivered by the bound (first: ${missing[0]})`,
        });
      }
    }
  }
}
