import type { AuditReport } from './run-audit.js';

function esc(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 1) ?? '';
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A self-contained HTML page of an audit report (no scripts, no external resources). */
export function auditReportHtml(report: AuditReport): string {
  const s = report.summary;
  const rows = report.findings.map((f) => `<tr class="${f.severity}"><td>${esc(f.severity)}</td><td>${esc(f.code)}</td><td>${f.blockNumber}</td><td><code>${esc(f.txId ?? '')}</code></td><td>${esc(f.meterId ?? '')}${f.seq === undefined ? '' : ` / ${esc(f.seq)}`}</td><td>${esc((f.endorsers ?? []).join(', '))}</td><td>${f.recorded === undefined ? '' : `<pre>${esc(f.recorded)}</pre>`}</td><td>${f.recomputed === undefined ? '' : `<pre>${esc(f.recomputed)}</pre>`}</td><td>${esc(f.message)}</td></tr>`);
  const defs = report.definitions.map((d) => `<tr><td>${esc(d.chaincode)}</td><td>${d.sequence}</td><td>${esc(d.version)}</td><td><code>${esc(d.packageSha256)}</code></td><td>${d.packageSupplied ? 'yes' : '<b>no</b>'}</td><td>${esc(d.endorsementPolicy)}</td><td>${d.firstBlock}–${d.lastBlock}</td><td>${d.transactions}</td><td>${d.reexecuted}</td></tr>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>speedledger audit — ${report.passed ? 'passed' : 'FAILED'}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;font-size:90%}tr.critical{background:#fdd}tr.error{background:#fed}tr.warning{background:#ffd}pre{margin:0;white-space:pre-wrap}</style></head>
<body><h1>speedledger audit of channel ${esc(s.channelId)}: ${report.passed ? 'passed' : 'FAILED'}</h1>
<p id="summary">Blocks ${s.fromBlock}–${s.lastBlock} (${s.blocks} audited), ${s.transactions} transactions (${s.validTransactions} valid), ${s.reexecutedTransactions} re-executed, ${s.readingsChecked} readings checked, <b>${report.findings.length} findings</b>.</p>
<h2>Chaincode definitions in force</h2><table><tr><th>chaincode</th><th>sequence</th><th>version</th><th>package SHA-256</th><th>supplied</th><th>endorsement policy</th><th>blocks</th><th>transactions</th><th>re-executed</th></tr>${defs.join('')}</table>
<p id="packages">Packages supplied: ${report.packagesSupplied.map((p) => `${esc(p.label)} <code>${esc(p.packageSha256)}</code> (re-executed ${p.mode === 'shim' ? "over fabric-shim's message protocol" : "through fabric-shim's stub and contract dispatch, in process"})`).join('; ') || 'none'}.</p>
<h2>Findings</h2>${rows.length === 0 ? '<p>None.</p>' : `<table id="findings"><tr><th>severity</th><th>code</th><th>block</th><th>tx</th><th>meter / seq</th><th>endorsers</th><th>recorded</th><th>recomputed</th><th>what</th></tr>${rows.join('')}</table>`}
</body></html>
`;
}
