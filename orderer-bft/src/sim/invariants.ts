import { toHex } from '../core/bytes.js';
import type { Decision } from '../core/decision.js';
import type { Hasher } from '../core/dependencies.js';
import { requestKey } from '../core/request-pool.js';
import { parseSimHeader, simInspector, SimAssembler } from './sim-assembler.js';

/** A broken invariant, with where and when it was seen. */
export interface Violation {
  readonly invariant: 'agreement' | 'hash-chain' | 'unknown-request' | 'duplicate-request' | 'liveness';
  readonly at: number;
  readonly replica?: number;
  readonly detail: string;
}

interface ReplicaLedger {
  height: number;
  lastHeaderHash: string;
  readonly delivered: Set<string>;
}

/**
 * Checks the safety invariants on every delivery by an honest replica, and liveness at the
 * end: agreement per sequence, an intact hash chain, only submitted requests, each at most once.
 */
export class InvariantChecker {
  readonly violations: Violation[] = [];
  private readonly decided = new Map<number, { digest: string; replica: number }>();
  private readonly ledgers = new Map<number, ReplicaLedger>();
  private readonly submitted = new Set<string>();
  private readonly assembler: SimAssembler;
  private readonly genesisHash: string;

  constructor(private readonly hasher: Hasher, genesisHeader: Uint8Array) {
    this.assembler = new SimAssembler(hasher);
    this.genesisHash = toHex(hasher.hash(genesisHeader));
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
    const first = this.decided.get(decision.seq);
    if (first === undefined) this.decided.set(decision.seq, { digest: decision.digest, replica });
    else if (first.digest !== decision.digest) {
      fail('agreement', `seq ${decision.seq}: digest ${decision.digest.slice(0, 12)} differs from ${first.digest.slice(0, 12)} delivered by replica ${first.replica}`);
    }
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
