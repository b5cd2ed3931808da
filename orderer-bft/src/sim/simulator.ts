import type { ReplicaAction } from '../core/actions.js';
import { DEFAULT_TIMING, type ReplicaConfig } from '../core/config.js';
import type { Decision } from '../core/decision.js';
import type { ReplicaDependencies } from '../core/dependencies.js';
import type { Envelope } from '../core/messages.js';
import { isWellFormedEnvelope } from '../core/message-shape.js';
import { Replica, type ReplicaStatus } from '../core/replica.js';
import { requestKey } from '../core/request-pool.js';
import type { WalRecord } from '../core/wal-record.js';
import { Adversary } from './adversary.js';
import { EventQueue } from './event-queue.js';
import { InvariantChecker } from './invariants.js';
import { Prng } from './prng.js';
import { AIM_WINDOW, type ByzantineBehaviour, type Crash, type Scenario } from './scenario.js';
import { encodeSimRequest, SimAssembler, simInspector } from './sim-assembler.js';
import { sha256Hasher, SimKeyring } from './sim-crypto.js';
import type { SimulationResult, TraceSummary } from './sim-result.js';

/** One core instance; twins are two nodes sharing a replica id and key. */
interface SimNode {
  readonly index: number;
  readonly replica: number;
  readonly config: ReplicaConfig;
  readonly deps: ReplicaDependencies;
  readonly adversary?: Adversary;
  /** Twins talk only to their half of the replicas. */
  readonly audience?: ReadonlySet<number>;
  core: Replica;
  /** Written records; `durable` of them have been fsynced. */
  wal: WalRecord[];
  durable: number;
  readonly persistIndex: Map<number, number>;
  readonly ledger: Decision[];
  epoch: number;
  up: boolean;
}

type Item =
  | { kind: 'message'; node: number; epoch: number; from: number; envelope: unknown }
  | { kind: 'tick'; node: number; epoch: number }
  | { kind: 'persisted'; node: number; epoch: number; upTo: number }
  | { kind: 'transfer'; node: number; epoch: number; decisions: unknown[] }
  | { kind: 'submit'; client: number; index: number; attempt: number }
  | { kind: 'crash'; crash: number }
  | { kind: 'restart'; replica: number };

export type { SimulationResult, TraceSummary } from './sim-result.js';

const DISK_LATENCY = 0.2;
const CLIENT_RETRY = 1500;
const EVENT_BUDGET = 3_000_000;
const GENESIS = new TextEncoder().encode('speedledger-genesis');

/**
 * Called every `every` simulated ms with the status of each honest replica that is up (index =
 * replica id; undefined while down). Read-only: it cannot change the run, so a seed replays the same.
 */
export interface SimulationObserver {
  readonly every: number;
  observe(now: number, statuses: readonly (ReplicaStatus | undefined)[]): void;
}

/** Runs a scenario to its end and checks every invariant. Deterministic in the scenario. */
export function runSimulation(scenario: Scenario, observer?: SimulationObserver): SimulationResult {
  return new Simulation(scenario, observer).run();
}

class Simulation {
  private readonly rng: Prng;
  private readonly queue = new EventQueue<Item>();
  private readonly nodes: SimNode[] = [];
  private readonly checker: InvariantChecker;
  private readonly keyring: SimKeyring;
  private readonly requests: { key: string; bytes: Uint8Array }[] = [];
  private now = 0;
  /** Crashes that have not happened yet; restarts still to come. */
  private readonly pendingCrashes = new Set<number>();
  private pendingRestarts = 0;
  private readonly trace: TraceSummary = {
    events: 0, messagesSent: 0, messagesDropped: 0, messagesDuplicated: 0, requests: 0, height: 0,
    highestView: 0, endedAt: 0, counters: {}, crashes: 0, aimedCrashes: 0, adversaryAnswers: 0,
  };

  private nextObservation = 0;

  constructor(private readonly scenario: Scenario, private readonly observer?: SimulationObserver) {
    this.rng = new Prng(BigInt(scenario.seed) * 2654435761n + 17n);
    this.keyring = new SimKeyring(scenario.seed, scenario.n);
    this.checker = new InvariantChecker({ hasher: sha256Hasher, genesisHeader: GENESIS, verifier: this.keyring, n: scenario.n });
    for (let replica = 0; replica < scenario.n; replica += 1) this.addNode(replica, scenario.byzantine.get(replica));
    this.setUpTwins();
    this.setUpClients();
    scenario.crashes.forEach((crash, index) => {
      // An aimed crash is armed at `at` and fires in its window, or at the end of AIM_WINDOW.
      this.queue.push(crash.aim === undefined ? crash.at : crash.at + AIM_WINDOW, { kind: 'crash', crash: index });
      this.pendingCrashes.add(index);
    });
    for (const node of this.nodes) this.queue.push(0, { kind: 'tick', node: node.index, epoch: node.epoch });
  }

  private addNode(replica: number, behaviour: ByzantineBehaviour | undefined, overrides: Partial<ReplicaConfig> = {}): SimNode {
    const config: ReplicaConfig = {
      ...DEFAULT_TIMING, batchMaxCount: this.scenario.batchMaxCount, ...overrides, id: replica, n: this.scenario.n,
      unsafeWeakQuorum: this.scenario.unsafeWeakQuorum,
    };
    const assembler = new SimAssembler(sha256Hasher);
    const signer = this.keyring.signerFor(replica);
    const deps: ReplicaDependencies = {
      signer, verifier: this.keyring, assembler, inspector: simInspector, hasher: sha256Hasher, genesisHeader: GENESIS,
    };
    const adversary = behaviour === undefined
      ? undefined
      : new Adversary(behaviour, replica, this.scenario.n, this.scenario.f, config, deps, new Prng(this.rng.nextUint32()));
    const node: SimNode = {
      index: this.nodes.length, replica, config, deps, core: Replica.create(config, deps), wal: [], durable: 0,
      persistIndex: new Map(), ledger: [], epoch: 0, up: true, ...(adversary === undefined ? {} : { adversary }),
    };
    this.nodes.push(node);
    return node;
  }

  /** Equivocating leader: a second instance of the twin replica, each serving half the peers. */
  private setUpTwins(): void {
    for (const [replica, behaviour] of this.scenario.byzantine) {
      if (behaviour !== 'twins') continue;
      const others = this.rng.shuffled([...Array(this.scenario.n).keys()].filter((id) => id !== replica));
      const half = Math.ceil(others.length / 2);
      const first = this.nodes[replica]!;
      Object.assign(first, { audience: new Set(others.slice(0, half)) });
      // A different batch size makes the twins' proposals differ from the first batch on.
      const batchMaxCount = this.scenario.batchMaxCount === 1 ? 2 : 1;
      const twin = this.addNode(replica, behaviour, { batchMaxCount });
      Object.assign(twin, { audience: new Set(others.slice(half)) });
    }
  }

  private setUpClients(): void {
    const { clients, requestsPerClient, submitWindow } = this.scenario;
    for (let client = 0; client < clients; client += 1) {
      for (let index = 0; index < requestsPerClient; index += 1) {
        const bytes = encodeSimRequest(`c${client}`, `r${index}`, 'x'.repeat(this.rng.int(0, 40)));
        const key = requestKey({ clientId: `c${client}`, requestId: `r${index}` });
        this.requests.push({ key, bytes });
        this.checker.noteSubmitted(key);
        this.queue.push(this.rng.int(0, submitWindow), { kind: 'submit', client, index: this.requests.length - 1, attempt: 0 });
      }
    }
    this.trace.requests = this.requests.length;
  }

  run(): SimulationResult {
    let item: { at: number; item: Item } | undefined;
    while ((item = this.queue.pop()) !== undefined) {
      if (item.at > this.scenario.endAt || this.trace.events >= EVENT_BUDGET) break;
      this.observeUpTo(item.at);
      this.now = item.at;
      this.trace.events += 1;
      this.handle(item.item);
      if (this.trace.events % 64 === 0 && this.allDelivered()) break;
    }
    this.trace.endedAt = this.now;
    const finished = this.allDelivered();
    if (finished) this.trace.allDeliveredAt = this.now;
    this.checker.checkLiveness(this.honestUpNodes().map((n) => n.replica), this.now);
    const statuses = this.nodes.map((n) => n.core.status);
    for (const node of this.honestNodes()) {
      this.trace.height = Math.max(this.trace.height, node.ledger.length);
      this.trace.highestView = Math.max(this.trace.highestView, node.core.status.view);
      for (const [name, value] of Object.entries(node.core.status.counters)) {
        this.trace.counters[name] = (this.trace.counters[name] ?? 0) + value;
      }
    }
    return { scenario: this.scenario, violations: this.checker.violations, trace: this.trace, statuses };
  }

  private observeUpTo(at: number): void {
    const observer = this.observer;
    if (observer === undefined) return;
    while (this.nextObservation <= at) {
      const statuses: (ReplicaStatus | undefined)[] = [];
      for (const node of this.honestNodes()) statuses[node.replica] = node.up ? node.core.status : undefined;
      observer.observe(this.nextObservation, statuses);
      this.nextObservation += observer.every;
    }
  }

  private honestNodes(): SimNode[] {
    return this.nodes.filter((n) => n.adversary === undefined);
  }

  private honestUpNodes(): SimNode[] {
    return this.honestNodes().filter((n) => n.up);
  }

  private allDelivered(): boolean {
    if (this.now < this.scenario.healAt) return false;
    if (this.pendingCrashes.size > 0 || this.pendingRestarts > 0) return false;
    return this.honestUpNodes().every((n) => this.checker.deliveredBy(n.replica).size === this.requests.length);
  }

  private handle(item: Item): void {
    switch (item.kind) {
      case 'submit':
        return this.submit(item.index, item.attempt);
      case 'crash':
        return this.crash(item.crash);
      case 'restart':
        return this.restart(item.replica);
    }
    const node = this.nodes[item.node]!;
    if (!node.up || node.epoch !== item.epoch) return;
    switch (item.kind) {
      case 'message':
        // The adversary reads only what parses (forgers send garbage to everyone).
        if (node.adversary !== undefined && isWellFormedEnvelope(item.envelope)) {
          for (const answer of node.adversary.inbound(item.envelope)) {
            this.trace.adversaryAnswers += 1;
            this.sendRaw(node, answer.envelope, answer.to);
          }
        }
        return this.stepNode(node, { type: 'message', from: item.from, envelope: item.envelope as Envelope });
      case 'tick':
        return this.stepNode(node, { type: 'tick', now: this.now });
      case 'persisted':
        node.durable = Math.max(node.durable, node.persistIndex.get(item.upTo) ?? 0);
        return this.stepNode(node, { type: 'persisted', upTo: item.upTo });
      case 'transfer':
        return this.stepNode(node, { type: 'stateTransferred', decisions: item.decisions as Decision[] });
    }
  }

  private submit(index: number, attempt: number): void {
    const { key, bytes } = this.requests[index]!;
    if (this.honestNodes().some((n) => this.checker.deliveredBy(n.replica).has(key))) return;
    const { n, f } = this.scenario;
    const targets = attempt === 0 ? this.rng.shuffled([...Array(n).keys()]).slice(0, this.rng.int(f + 1, n)) : [...Array(n).keys()];
    for (const node of this.nodes) {
      if (!node.up || !targets.includes(node.replica)) continue;
      this.tickTo(node);
      const { actions } = node.core.submit(bytes);
      this.execute(node, actions);
    }
    this.queue.push(this.now + CLIENT_RETRY, { kind: 'submit', client: 0, index, attempt: attempt + 1 });
  }

  /** Crash number `index` of the scenario, unless it already happened or its replica is down. */
  private crash(index: number): void {
    if (!this.pendingCrashes.delete(index)) return;
    const crash = this.scenario.crashes[index]!;
    const nodes = this.nodes.filter((n) => n.replica === crash.replica);
    if (nodes.some((n) => !n.up)) return;
    this.trace.crashes += 1;
    if (crash.aim !== undefined && this.now < crash.at + AIM_WINDOW) this.trace.aimedCrashes += 1;
    for (const node of nodes) {
      node.up = false;
      node.epoch += 1;
      // Torn write: of the records not yet fsynced, a prefix may have reached the disk.
      node.wal = node.wal.slice(0, node.durable + this.rng.int(0, node.wal.length - node.durable));
      node.durable = node.wal.length;
    }
    this.pendingRestarts += 1;
    this.queue.push(this.now + crash.downFor, { kind: 'restart', replica: crash.replica });
  }

  /** The armed, aimed crash of `replica` whose window `matches`, if any. */
  private armedCrash(replica: number, matches: (aim: NonNullable<Crash['aim']>) => boolean): number | undefined {
    for (const index of this.pendingCrashes) {
      const crash = this.scenario.crashes[index]!;
      if (crash.replica === replica && crash.aim !== undefined && this.now >= crash.at && matches(crash.aim)) return index;
    }
    return undefined;
  }

  private restart(replica: number): void {
    this.pendingRestarts -= 1;
    for (const node of this.nodes.filter((n) => n.replica === replica)) {
      node.core = Replica.restore(node.config, node.deps, node.wal);
      node.persistIndex.clear();
      node.up = true;
      // The ledger must hold every decision of the WAL (a crash may fall between the two).
      for (const record of node.wal) {
        if (record.kind === 'decision' && record.decision.seq === node.ledger.length + 1) this.deliver(node, record.decision);
      }
      this.stepNode(node, { type: 'tick', now: this.now });
    }
  }

  private tickTo(node: SimNode): void {
    this.execute(node, node.core.step({ type: 'tick', now: this.now }));
  }

  private stepNode(node: SimNode, event: Parameters<Replica['step']>[0]): void {
    this.execute(node, node.core.step(event));
  }

  private execute(node: SimNode, actions: readonly ReplicaAction[]): void {
    const epoch = node.epoch;
    for (const action of actions) {
      // A crash in the middle of a batch loses the rest of it.
      if (node.epoch !== epoch || !node.up) return;
      switch (action.type) {
        case 'send':
          this.sendFrom(node, action.envelope, action.to);
          break;
        case 'broadcast':
          this.sendFrom(node, action.envelope, undefined);
          break;
        case 'persist':
          this.persist(node, action.id, action.record);
          break;
        case 'deliver':
          this.deliver(node, action.decision);
          break;
        case 'schedule':
          this.queue.push(Math.max(this.now, action.at), { kind: 'tick', node: node.index, epoch: node.epoch });
          break;
        case 'requestStateTransfer':
          this.serveStateTransfer(node, action.fromSeq, action.peers);
          break;
        case 'halt':
          if (node.adversary === undefined) this.checker.onHalt(node.replica, `${action.error.code}: ${action.error.message}`, this.now);
          node.up = false;
          return;
      }
    }
  }

  private persist(node: SimNode, id: number, record: WalRecord): void {
    node.wal.push(record);
    node.persistIndex.set(id, node.wal.length);
    this.queue.push(this.now + DISK_LATENCY, { kind: 'persisted', node: node.index, epoch: node.epoch, upTo: id });
    if (this.scenario.unsafeEarlyNewView && record.kind === 'new-view' && record.envelope.from === node.replica && node.adversary === undefined) {
      // The pre-fix bug of issue 14, re-created by the host: NEW-VIEW leaves before its record is durable.
      this.sendFrom(node, record.envelope, undefined);
    }
    if (node.adversary !== undefined || !node.up) return;
    const aimed = this.armedCrash(node.replica, (aim) => aim.trigger === 'persist' && aim.record === record.kind);
    // Written, not yet acknowledged: the crash lands inside the fsync window.
    if (aimed !== undefined) this.queue.push(this.now + DISK_LATENCY * this.rng.float(), { kind: 'crash', crash: aimed });
  }

  private deliver(node: SimNode, decision: Decision): void {
    node.ledger.push(decision);
    if (node.adversary === undefined) this.checker.onDeliver(node.replica, decision, this.now);
  }

  /** The host's block puller: asks one peer (preferring the hinted ones) for its ledger suffix. */
  private serveStateTransfer(node: SimNode, fromSeq: number, peers: readonly number[]): void {
    const candidates = this.nodes.filter((n) => n.up && n.replica !== node.replica && this.reachable(node.replica, n.replica));
    if (candidates.length === 0) return;
    const hinted = candidates.filter((n) => peers.includes(n.replica));
    const source = this.rng.pick(hinted.length > 0 && this.rng.chance(0.7) ? hinted : candidates);
    const suffix = source.ledger.slice(fromSeq - 1, fromSeq - 1 + 64);
    const decisions = source.adversary?.transferResponse(suffix) ?? suffix;
    const at = this.now + 2 * this.delay();
    this.queue.push(at, { kind: 'transfer', node: node.index, epoch: node.epoch, decisions });
  }

  private sendFrom(node: SimNode, envelope: Envelope, to: number | undefined): void {
    if (node.adversary !== undefined) {
      for (const message of node.adversary.outbound(envelope, to)) this.sendRaw(node, message.envelope, message.to);
      return;
    }
    // The transport's onSent hook: what an honest replica signs is on record before it leaves.
    this.checker.onSent(node.replica, envelope, this.now);
    const aimed = this.armedCrash(node.replica, (aim) => aim.trigger === 'send' && aim.message === envelope.body.type);
    if (aimed === undefined) return this.sendRaw(node, envelope, to);
    // Crash in the middle of the send: some peers get it, then nothing more leaves.
    const targets = this.targets(node, to).filter(() => this.rng.chance(0.5));
    for (const target of targets) this.transmit(node.replica, target, envelope);
    this.crash(aimed);
  }

  private sendRaw(node: SimNode, envelope: unknown, to: number | undefined): void {
    for (const target of this.targets(node, to)) this.transmit(node.replica, target, envelope);
  }

  private targets(node: SimNode, to: number | undefined): number[] {
    const all = to === undefined ? [...Array(this.scenario.n).keys()].filter((id) => id !== node.replica) : [to];
    return node.audience === undefined ? all : all.filter((id) => node.audience!.has(id));
  }

  private transmit(from: number, to: number, envelope: unknown): void {
    this.trace.messagesSent += 1;
    if (!this.reachable(from, to) || (this.now < this.scenario.healAt && this.rng.chance(this.scenario.network.dropRate))) {
      this.trace.messagesDropped += 1;
      return;
    }
    const copies = this.rng.chance(this.scenario.network.duplicateRate) ? 2 : 1;
    if (copies === 2) this.trace.messagesDuplicated += 1;
    for (let copy = 0; copy < copies; copy += 1) {
      const at = this.now + this.delay();
      for (const node of this.nodes) {
        if (node.replica === to) this.queue.push(at, { kind: 'message', node: node.index, epoch: node.epoch, from, envelope });
      }
    }
  }

  private delay(): number {
    return this.scenario.network.minDelay + this.rng.exponential(this.scenario.network.jitterMean);
  }

  private reachable(a: number, b: number): boolean {
    const p = this.scenario.partition;
    if (p === undefined || this.now < p.from || this.now >= p.until) return true;
    return p.isolated.includes(a) === p.isolated.includes(b);
  }
}
