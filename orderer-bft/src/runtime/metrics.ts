/** Upper bounds (seconds) of the WAL fsync latency histogram. */
const FSYNC_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** Gauges read at scrape time from the replica. */
export interface MetricsGauges {
  height: number;
  view: number;
  poolSize: number;
  isLeader: boolean;
  /** The core's drop/reject counters (`ReplicaStatus.counters`), when the replica is running. */
  counters?: Readonly<Record<string, number>>;
  /** Decided height (the core's tip; the ledger follows once the block is durable). */
  decidedHeight?: number;
  /** Highest height and view f+1 peers have shown. */
  quorumHeight?: number;
  quorumView?: number;
  /** Out of step with the quorum beyond a grace period (`ReplicaHost.lag`). */
  behind?: boolean;
  stateTransferInProgress?: boolean;
  /** Longest recent event-loop delay, ms. */
  eventLoopDelayMs?: number;
}

/** Core counters exported as `orderer_protocol_messages_dropped_total{reason}`: each is a message or decision refused. */
const DROP_REASONS: readonly (readonly [string, string])[] = [
  ['invalidSignature', 'invalid_signature'], ['malformed', 'malformed'], ['stale', 'stale'], ['equivocations', 'equivocation'],
  ['rejectedProposals', 'rejected_proposal'], ['rejectedViewChanges', 'rejected_view_change'],
  ['rejectedNewViews', 'rejected_new_view'], ['rejectedDecisions', 'rejected_decision'],
  ['conflictingReissues', 'conflicting_reissue'], ['throttledNewViewRequests', 'throttled_new_view_request'],
];

/**
 * The replica's Prometheus metrics. Counters are bumped by the host; gauges are read from the
 * core's status at scrape time so they are never stale.
 */
export class ReplicaMetrics {
  viewChanges = 0;
  refusedRequests = { 'pool-full': 0, invalid: 0, duplicate: 0 };
  acceptedRequests = 0;
  deliveredTransactions = 0;
  deliveredBlocks = 0;
  stateTransfers = 0;
  private readonly fsyncCounts = FSYNC_BUCKETS.map(() => 0);
  private fsyncCount = 0;
  private fsyncSum = 0;

  constructor(
    private readonly replica: number,
    private readonly gauges: () => MetricsGauges,
  ) {}

  observeFsync(seconds: number): void {
    this.fsyncCount += 1;
    this.fsyncSum += seconds;
    FSYNC_BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) this.fsyncCounts[i]! += 1;
    });
  }

  /** The Prometheus text exposition (format 0.0.4). */
  render(): string {
    const g = this.gauges();
    const label = `replica="${this.replica}"`;
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: [string, number][]): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}{${label}${labels}} ${value}`);
    };
    metric('orderer_ledger_height', 'gauge', 'Blocks durably delivered (excluding genesis).', [['', g.height]]);
    metric('orderer_view', 'gauge', 'Current PBFT view.', [['', g.view]]);
    metric('orderer_height', 'gauge', 'Decided height (blocks, excluding genesis).', [['', g.decidedHeight ?? g.height]]);
    metric('orderer_quorum_height', 'gauge', 'Highest height f+1 peers have shown.', [['', g.quorumHeight ?? g.height]]);
    metric('orderer_quorum_view', 'gauge', 'Highest view f+1 peers have shown to work in.', [['', g.quorumView ?? g.view]]);
    metric('orderer_behind', 'gauge', '1 while behind the quorum (height or view) or alone in a higher view, beyond a 2 s grace.', [['', g.behind === true ? 1 : 0]]);
    metric('orderer_state_transfer_in_progress', 'gauge', '1 while a block pull is running.', [['', g.stateTransferInProgress === true ? 1 : 0]]);
    metric('orderer_event_loop_delay_max_seconds', 'gauge', 'Longest event-loop delay in the recent window.', [['', (g.eventLoopDelayMs ?? 0) / 1000]]);
    metric('orderer_is_leader', 'gauge', '1 when this replica leads the current view.', [['', g.isLeader ? 1 : 0]]);
    metric('orderer_view_changes_total', 'counter', 'Views this replica moved to.', [['', this.viewChanges]]);
    metric('orderer_pool_size', 'gauge', 'Requests waiting in the pool.', [['', g.poolSize]]);
    metric('orderer_requests_accepted_total', 'counter', 'Broadcast envelopes admitted to the pool.', [['', this.acceptedRequests]]);
    metric('orderer_requests_refused_total', 'counter', 'Broadcast envelopes refused, by reason.',
      Object.entries(this.refusedRequests).map(([reason, value]) => [`,reason="${reason}"`, value]));
    metric('orderer_delivered_transactions_total', 'counter', 'Envelopes in delivered blocks (rate() gives tx/s).', [['', this.deliveredTransactions]]);
    metric('orderer_delivered_blocks_total', 'counter', 'Blocks delivered since start.', [['', this.deliveredBlocks]]);
    metric('orderer_protocol_messages_dropped_total', 'counter',
      'Peer protocol messages and pulled decisions the core refused, by reason (invalid_signature: a signature or commit signature that does not verify).',
      DROP_REASONS.map(([key, reason]) => [`,reason="${reason}"`, g.counters?.[key] ?? 0]));
    metric('orderer_state_transfers_total', 'counter', 'State transfers started.', [['', this.stateTransfers]]);
    lines.push('# HELP orderer_wal_fsync_seconds WAL write+fdatasync latency.', '# TYPE orderer_wal_fsync_seconds histogram');
    FSYNC_BUCKETS.forEach((bound, i) => lines.push(`orderer_wal_fsync_seconds_bucket{${label},le="${bound}"} ${this.fsyncCounts[i]}`));
    lines.push(`orderer_wal_fsync_seconds_bucket{${label},le="+Inf"} ${this.fsyncCount}`);
    lines.push(`orderer_wal_fsync_seconds_sum{${label}} ${this.fsyncSum}`, `orderer_wal_fsync_seconds_count{${label}} ${this.fsyncCount}`);
    return `${lines.join('\n')}\n`;
  }
}
