import type { ReplicaAction } from '../actions.js';
import { DEFAULT_TIMING, type ReplicaConfig } from '../config.js';
import type { Decision } from '../decision.js';
import type { ReplicaDependencies } from '../dependencies.js';
import type { Envelope } from '../messages.js';
import { Replica, type SubmitVerdict } from '../replica.js';
import type { WalRecord } from '../wal-record.js';
import { SimAssembler, encodeSimRequest, simInspector } from '../../sim/sim-assembler.js';
import { SimKeyring, sha256Hasher } from '../../sim/sim-crypto.js';

/** A message in flight between two replicas. */
export interface Flight {
  readonly from: number;
  readonly to: number;
  readonly envelope: Envelope;
}

/**
 * A tiny synchronous cluster for unit tests: FIFO network, instant fsync, a filter to drop
 * messages, manual time. Deterministic and fully controlled by the test.
 */
export class TestCluster {
  readonly replicas: Replica[] = [];
  readonly wal: WalRecord[][] = [];
  readonly ledgers: Decision[][] = [];
  readonly down = new Set<number>();
  readonly keyring: SimKeyring;
  queue: Flight[] = [];
  now = 0;
  /** Return true to drop a message. */
  drop: (flight: Flight) => boolean = () => false;
  /** When false, persists are left unacknowledged (the host's disk is "slow"). */
  autoPersist = true;
  readonly configs: ReplicaConfig[] = [];

  constructor(readonly n: number, overrides: Partial<ReplicaConfig> = {}) {
    this.keyring = new SimKeyring(1, n);
    for (let id = 0; id < n; id += 1) {
      this.configs.push({ ...DEFAULT_TIMING, ...overrides, id, n });
      this.wal.push([]);
      this.ledgers.push([]);
      this.replicas.push(Replica.create(this.configs[id]!, this.deps(id)));
    }
  }

  deps(id: number): ReplicaDependencies {
    return {
      signer: this.keyring.signerFor(id),
      verifier: this.keyring,
      assembler: new SimAssembler(sha256Hasher),
      inspector: simInspector,
      hasher: sha256Hasher,
      genesisHeader: new TextEncoder().encode('genesis'),
    };
  }

  request(client: string, id: number, padding = ''): Uint8Array {
    return encodeSimRequest(client, String(id), padding);
  }

  submit(replica: number, request: Uint8Array): SubmitVerdict {
    const { verdict, actions } = this.replicas[replica]!.submit(request);
    this.handle(replica, actions);
    return verdict;
  }

  submitAll(request: Uint8Array): SubmitVerdict[] {
    return this.replicas.map((_, id) => (this.down.has(id) ? 'invalid' : this.submit(id, request)));
  }

  /** Delivers queued messages until none are left (or the step budget runs out). */
  run(budget = 100_000): void {
    while (this.queue.length > 0 && budget-- > 0) {
      const flight = this.queue.shift()!;
      if (this.down.has(flight.to) || this.drop(flight)) continue;
      this.step(flight.to, { type: 'message', from: flight.from, envelope: flight.envelope });
    }
  }

  /** Advances time in `stepMs` increments, ticking every replica and running the network. */
  advance(ms: number, stepMs = 10): void {
    const end = this.now + ms;
    while (this.now < end) {
      this.now = Math.min(end, this.now + stepMs);
      for (let id = 0; id < this.n; id += 1) if (!this.down.has(id)) this.step(id, { type: 'tick', now: this.now });
      this.run();
    }
  }

  step(id: number, event: Parameters<Replica['step']>[0]): void {
    this.handle(id, this.replicas[id]!.step(event));
  }

  crash(id: number): void {
    this.down.add(id);
  }

  restart(id: number): void {
    this.down.delete(id);
    this.replicas[id] = Replica.restore(this.configs[id]!, this.deps(id), this.wal[id]!);
    this.step(id, { type: 'tick', now: this.now });
  }

  heights(): number[] {
    return this.ledgers.map((ledger) => ledger.length);
  }

  private handle(id: number, actions: ReplicaAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case 'send':
          this.queue.push({ from: id, to: action.to, envelope: action.envelope });
          break;
        case 'broadcast':
          for (let to = 0; to < this.n; to += 1) if (to !== id) this.queue.push({ from: id, to, envelope: action.envelope });
          break;
        case 'persist':
          this.wal[id]!.push(action.record);
          if (this.autoPersist) this.step(id, { type: 'persisted', upTo: action.id });
          break;
        case 'deliver':
          this.ledgers[id]!.push(action.decision);
          break;
        case 'schedule':
          break;
        case 'requestStateTransfer': {
          const source = [...this.ledgers.keys()]
            .filter((peer) => peer !== id && !this.down.has(peer))
            .sort((a, b) => this.ledgers[b]!.length - this.ledgers[a]!.length)[0];
          if (source === undefined) break;
          const decisions = this.ledgers[source]!.slice(action.fromSeq - 1);
          this.step(id, { type: 'stateTransferred', decisions });
          break;
        }
      }
    }
  }
}
