/** Counters the operations endpoint exposes in Prometheus text format. */
export class PeerMetrics {
  height = 0;
  private readonly endorsements = new Map<string, number>();
  private readonly commits = new Map<number, number>();

  /** One processed proposal, by outcome (`success` or `failure`). */
  endorsement(outcome: 'success' | 'failure'): void {
    this.endorsements.set(outcome, (this.endorsements.get(outcome) ?? 0) + 1);
  }

  /** One committed transaction with its `peer.TxValidationCode`. */
  commit(code: number): void {
    this.commits.set(code, (this.commits.get(code) ?? 0) + 1);
  }

  /** The Prometheus exposition (text format 0.0.4). */
  render(codeName: (code: number) => string): string {
    const lines = [
      '# HELP speedledger_peer_ledger_height Committed blocks in the channel ledger.',
      '# TYPE speedledger_peer_ledger_height gauge',
      `speedledger_peer_ledger_height ${this.height}`,
      '# HELP speedledger_peer_endorsements_total Proposals processed by the endorser, by outcome.',
      '# TYPE speedledger_peer_endorsements_total counter',
      ...[...this.endorsements].sort().map(([outcome, n]) => `speedledger_peer_endorsements_total{outcome="${outcome}"} ${n}`),
      '# HELP speedledger_peer_transactions_committed_total Committed transactions, by validation code.',
      '# TYPE speedledger_peer_transactions_committed_total counter',
      ...[...this.commits].sort(([a], [b]) => a - b).map(([code, n]) => `speedledger_peer_transactions_committed_total{code="${codeName(code)}"} ${n}`),
    ];
    return `${lines.join('\n')}\n`;
  }
}
