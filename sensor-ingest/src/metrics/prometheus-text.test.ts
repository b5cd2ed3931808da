import { describe, expect, it } from 'vitest';
import { renderMetrics } from './prometheus-text.js';

describe('renderMetrics', () => {
  const text = renderMetrics({
    stats: {
      accepted: 10, committed: 7, duplicates: 2, 'edge:BAD_SIGNATURE': 3, 'refused:REVOKED_METER': 1, 'retries:SUBMIT_FAILED': 4,
      'parked:TIMEOUT_COMMIT': 1, 'latency_le:0.5': 2, 'latency_le:2': 4, 'latency_le:+Inf': 1, latency_sum_ms: 12_500,
    },
    backlog: 3, queueJobs: 2, parked: 1, registryCacheSize: 5,
  });

  it('reports gauges and counters, labelled by code and cause', () => {
    expect(text).toMatch(/^ingest_backlog_readings 3$/m);
    expect(text).toMatch(/^ingest_accepted_total 10$/m);
    expect(text).toMatch(/^ingest_committed_total 7$/m);
    expect(text).toMatch(/^ingest_throttled_total 0$/m);
    expect(text).toMatch(/^ingest_edge_refusals_total\{code="BAD_SIGNATURE"\} 3$/m);
    expect(text).toMatch(/^ingest_refusals_total\{code="REVOKED_METER"\} 1$/m);
    expect(text).toMatch(/^ingest_retries_total\{cause="SUBMIT_FAILED"\} 4$/m);
    expect(text).toMatch(/^ingest_parked_total\{cause="TIMEOUT_COMMIT"\} 1$/m);
  });

  it('renders the receipt-to-commit latency as a cumulative histogram', () => {
    expect(text).toMatch(/^ingest_receipt_to_commit_seconds_bucket\{le="0.25"\} 0$/m);
    expect(text).toMatch(/^ingest_receipt_to_commit_seconds_bucket\{le="0.5"\} 2$/m);
    expect(text).toMatch(/^ingest_receipt_to_commit_seconds_bucket\{le="1"\} 2$/m);
    expect(text).toMatch(/^ingest_receipt_to_commit_seconds_bucket\{le="2"\} 6$/m);
    expect(text).toMatch(/^ingest_receipt_to_commit_seconds_bucket\{le="600"\} 6$/m);
    expect(text).toMatch(/^ingest_receipt_to_commit_seconds_bucket\{le="\+Inf"\} 7$/m);
    expect(text).toMatch(/^ingest_receipt_to_commit_seconds_count 7$/m);
    expect(text).toMatch(/^ingest_receipt_to_commit_seconds_sum 12.5$/m);
  });

  it('declares every metric family once with HELP and TYPE', () => {
    const types = text.split('\n').filter((l) => l.startsWith('# TYPE')).map((l) => l.split(' ')[2]);
    expect(new Set(types).size).toBe(types.length);
    expect(types).toContain('ingest_receipt_to_commit_seconds');
  });
});
