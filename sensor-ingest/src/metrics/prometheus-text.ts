import { LATENCY_BUCKETS_S } from '../store/reading-status.js';

/** What /metrics reports; counters come from the shared stats hash, so every process agrees. */
export interface MetricsInput {
  readonly stats: Readonly<Record<string, number>>;
  readonly backlog: number;
  readonly queueJobs: number;
  readonly parked: number;
  readonly registryCacheSize: number;
}

function line(name: string, value: number, labels: Record<string, string> = {}): string {
  const text = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',');
  return `${name}${text ? `{${text}}` : ''} ${value}`;
}

/** Renders the Prometheus text exposition format. Pure. */
export function renderMetrics(input: MetricsInput): string {
  const s = input.stats;
  const out: string[] = [];
  const gauge = (name: string, help: string, value: number) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, line(name, value));
  const counter = (name: string, help: string, value: number) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, line(name, value));
  gauge('ingest_backlog_readings', 'Readings accepted (202) and not yet committed, refused or parked', input.backlog);
  gauge('ingest_queue_jobs', 'BullMQ jobs waiting, delayed or active', input.queueJobs);
  gauge('ingest_parked_readings', 'Readings parked after their last attempt (speedledger ingest replay)', input.parked);
  gauge('ingest_registry_cache_entries', 'Meters in the edge registry cache of this process', input.registryCacheSize);
  counter('ingest_accepted_total', 'Readings durably enqueued (first 202)', s.accepted ?? 0);
  counter('ingest_duplicates_total', 'Identical re-POSTs answered with the existing receipt', s.duplicates ?? 0);
  counter('ingest_conflicts_total', 'Other bytes offered under a known (meterId, seq): 409, evidence kept', s.conflicts ?? 0);
  counter('ingest_throttled_total', 'Readings refused with 429 above the high-water mark', s.throttled ?? 0);
  counter('ingest_committed_total', 'Readings committed on the ledger', s.committed ?? 0);
  const byCause = (prefix: string, name: string, help: string, label: string) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
    for (const [field, value] of Object.entries(s)) {
      if (field.startsWith(`${prefix}:`)) out.push(line(name, value, { [label]: field.slice(prefix.length + 1) }));
    }
  };
  byCause('edge', 'ingest_edge_refusals_total', 'Readings refused at the edge (400) by DLR1 reason', 'code');
  byCause('refused', 'ingest_refusals_total', 'Readings the chaincode refused, by its code', 'code');
  byCause('retries', 'ingest_retries_total', 'Transient submit failures retried, by cause', 'cause');
  byCause('parked', 'ingest_parked_total', 'Readings parked, by last cause', 'cause');
  out.push('# HELP ingest_receipt_to_commit_seconds Latency from the 202 receipt to the commit', '# TYPE ingest_receipt_to_commit_seconds histogram');
  let cumulative = 0;
  for (const bound of LATENCY_BUCKETS_S) {
    cumulative += s[`latency_le:${bound}`] ?? 0;
    out.push(line('ingest_receipt_to_commit_seconds_bucket', cumulative, { le: String(bound) }));
  }
  cumulative += s['latency_le:+Inf'] ?? 0;
  out.push(line('ingest_receipt_to_commit_seconds_bucket', cumulative, { le: '+Inf' }));
  out.push(line('ingest_receipt_to_commit_seconds_sum', (s.latency_sum_ms ?? 0) / 1000));
  out.push(line('ingest_receipt_to_commit_seconds_count', cumulative));
  return `${out.join('\n')}\n`;
}
