import { decodeDlr1, measureSpeed } from '@speedledger/lr-chaincode/core';
import type { SurveillanceFinding } from '../surveillance/surveillance-finding.js';
import type { LedgerIndex } from './ledger-index.js';
import { barChart, histogram, lineChart } from './svg-charts.js';

const esc = (v: unknown): string => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const km = (centi: number | null | undefined): string => (centi === null || centi === undefined ? '—' : (centi / 100).toFixed(2));

/** The page frame: navigation, no external resources. */
export function layout(title: string, body: string, script?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)} — speedledger</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5em;max-width:1100px}nav a{margin-right:1em}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;font-size:90%;vertical-align:top}code{font-size:85%;word-break:break-all}.ok{color:#060}.bad{color:#a00;font-weight:bold}</style></head>
<body><nav><a href="/">Ledger</a><a href="/meters">Meters</a><a href="/findings">Findings</a><a href="/verify">Verify a reading</a></nav><h1>${esc(title)}</h1>${body}${script ? `<script src="${esc(script)}"></script>` : ''}</body></html>`;
}

/** Blocks and transactions per minute, transactions by organisation, latest blocks. */
export function overviewPage(index: LedgerIndex, nowMs: number): string {
  const perMinute = index.perMinute(nowMs);
  const byOrg = [...index.transactionsByOrganisation()].sort(([a], [b]) => a.localeCompare(b));
  const latest = index.blocks.slice(-10).reverse();
  return layout('Ledger', `
<p>Height <b id="stat-height">${index.blocks.length}</b> blocks, <b id="stat-transactions">${index.transactions.size}</b> transactions, <b id="stat-readings">${index.observations.length}</b> measurement records.</p>
${barChart(perMinute.map((r) => ({ label: new Date(r.minute * 60_000).toISOString().slice(11, 16), value: r.transactions })), { id: 'chart-tx-per-minute', title: 'Transactions per minute (last 15 min)' })}
${barChart(perMinute.map((r) => ({ label: new Date(r.minute * 60_000).toISOString().slice(11, 16), value: r.blocks })), { id: 'chart-blocks-per-minute', title: 'Blocks per minute (last 15 min)' })}
${barChart(byOrg.map(([label, value]) => ({ label, value })), { id: 'chart-tx-by-org', title: 'Transactions by organisation (creator)' })}
<h2>Latest blocks</h2><table id="latest-blocks"><tr><th>block</th><th>transactions</th><th>time</th><th>header hash</th></tr>
${latest.map((b) => `<tr><td><a href="/block/${b.number}">${b.number}</a></td><td>${b.txIds.length}</td><td>${b.timeMs ? new Date(b.timeMs).toISOString() : '—'}</td><td><code>${b.hash}</code></td></tr>`).join('')}</table>`);
}

/** One block's transactions. */
export function blockPage(index: LedgerIndex, number: number): string | undefined {
  const block = index.blocks.find((b) => b.number === number);
  if (block === undefined) return undefined;
  const rows = block.txIds.map((id) => index.transactions.get(id)!).map((t) => `<tr><td>${t.index}</td><td><a href="/tx/${t.txId}"><code>${t.txId}</code></a></td><td>${esc(t.fn)}</td><td>${esc(t.creatorMspId)}</td><td>${esc(t.endorsers.join(', '))}</td><td class="${t.validationCode === 'VALID' ? 'ok' : 'bad'}">${esc(t.validationCode)}</td></tr>`);
  return layout(`Block ${number}`, `<p>Header hash <code>${block.hash}</code></p><table id="block-transactions"><tr><th>#</th><th>transaction</th><th>function</th><th>creator</th><th>endorsers</th><th>validation</th></tr>${rows.join('')}</table>`);
}

/** One transaction: endorsers, validation code, read/write set, readings. */
export function transactionPage(index: LedgerIndex, txId: string): string | undefined {
  const t = index.transactions.get(txId);
  if (t === undefined) return undefined;
  const readings = t.readings.map((bytes) => decodeDlr1(bytes)).filter((d) => d.ok).map((d) => d.reading);
  return layout(`Transaction ${txId.slice(0, 16)}…`, `
<table id="tx-summary"><tr><th>tx id</th><td><code>${t.txId}</code></td></tr><tr><th>block</th><td><a href="/block/${t.blockNumber}">${t.blockNumber}</a> (#${t.index})</td></tr>
<tr><th>time</th><td>${new Date(t.timeMs).toISOString()}</td></tr><tr><th>chaincode / function</th><td>${esc(t.chaincode)} ${esc(t.fn)}</td></tr>
<tr><th>creator</th><td>${esc(t.creatorMspId)}</td></tr><tr><th>endorsers</th><td id="tx-endorsers">${esc(t.endorsers.join(', '))}</td></tr>
<tr><th>validation code</th><td id="tx-validation" class="${t.validationCode === 'VALID' ? 'ok' : 'bad'}">${esc(t.validationCode)}</td></tr></table>
${readings.length > 0 ? `<h2>Readings</h2><ul>${readings.map((r) => `<li><a href="/reading/${esc(r.meterId)}/${r.seq}">${esc(r.meterId)} / ${r.seq}</a></li>`).join('')}</ul>` : ''}
<h2>Reads</h2><table id="tx-reads"><tr><th>namespace</th><th>key</th><th>version</th></tr>${t.reads.map((r) => `<tr><td>${esc(r.namespace)}</td><td><code>${esc(r.key)}</code></td><td>${esc(r.version)}</td></tr>`).join('')}</table>
<h2>Writes</h2><table id="tx-writes"><tr><th>namespace</th><th>key</th><th>value</th></tr>${t.writes.map((w) => `<tr><td>${esc(w.namespace)}</td><td><code>${esc(w.key)}</code></td><td><code>${w.value === null ? '(delete)' : esc(w.value)}</code></td></tr>`).join('')}</table>`);
}

/** Every meter with its record count. */
export function metersPage(index: LedgerIndex): string {
  const rows = [...index.meters.values()].sort((a, b) => a.meterId.localeCompare(b.meterId)).map((m) => `<tr><td><a href="/meter/${esc(m.meterId)}">${esc(m.meterId)}</a></td><td>${esc(m.status)}</td><td>${esc(m.location)}</td><td>${m.speedLimitKmh}</td><td>${index.observations.filter((o) => o.meterId === m.meterId).length}</td></tr>`);
  return layout('Meters', `<table id="meters"><tr><th>meter</th><th>status</th><th>location</th><th>limit km/h</th><th>records</th></tr>${rows.join('')}</table>`);
}

/** One meter: speed histogram, time series, violations. */
export function meterPage(index: LedgerIndex, meterId: string): string | undefined {
  const meter = index.meters.get(meterId);
  if (meter === undefined) return undefined;
  const records = index.observations.filter((o) => o.meterId === meterId).sort((a, b) => (BigInt(a.t0Us) < BigInt(b.t0Us) ? -1 : 1));
  const accepted = records.filter((o) => o.speedCentiKmh !== null);
  const violations = records.filter((o) => o.violation === true);
  return layout(`Meter ${meterId}`, `<p>${esc(meter.location)} — limit ${meter.speedLimitKmh} km/h — ${esc(meter.status)}; <b id="meter-records">${records.length}</b> records, <b id="meter-accepted">${accepted.length}</b> accepted, <b id="meter-violations">${violations.length}</b> violations.</p>
${histogram(accepted.map((o) => o.speedCentiKmh! / 100), { id: 'chart-speed-histogram', title: 'Accepted speeds (km/h)', bins: 10 })}
${lineChart([{ name: 'speed', color: '#3a6ea5', points: accepted.map((o) => o.speedCentiKmh! / 100) }], { id: 'chart-speed-series', title: 'Speeds in time order (km/h)' })}
<h2>Records</h2><table id="meter-table"><tr><th>seq</th><th>t0</th><th>verdict</th><th>speed km/h</th><th>violation</th><th>tx</th></tr>
${records.map((o) => `<tr><td><a href="/reading/${esc(o.meterId)}/${esc(o.seq)}">${esc(o.seq)}</a></td><td>${new Date(Number(BigInt(o.t0Us) / 1000n)).toISOString()}</td><td>${esc(o.verdict)}${o.reason ? ` (${esc(o.reason)})` : ''}</td><td>${km(o.speedCentiKmh)}</td><td>${o.violation ? 'yes' : ''}</td><td><a href="/tx/${o.txId}"><code>${o.txId.slice(0, 12)}…</code></a></td></tr>`).join('')}</table>`);
}

/** One reading: loop A and B with the detected edges, the recomputed speed next to the recorded one. */
export function readingPage(index: LedgerIndex, meterId: string, seq: string): string | undefined {
  const record = index.observations.find((o) => o.meterId === meterId && o.seq === seq);
  const meter = index.meters.get(meterId);
  if (record === undefined || meter === undefined) return undefined;
  const tx = index.transactions.get(record.txId);
  const bytes = tx?.readings.find((b) => {
    const d = decodeDlr1(b);
    return d.ok && d.reading.meterId === meterId && d.reading.seq.toString() === seq;
  });
  if (bytes === undefined) return undefined;
  const decoded = decodeDlr1(bytes);
  if (!decoded.ok) return undefined;
  const r = decoded.reading;
  const result = measureSpeed({ loopA: r.loopA, loopB: r.loopB, sampleRateHz: r.sampleRateHz }, meter.site);
  const markers = result.ok ? [
    { x: result.loopA.onSample, label: 'A on', color: '#a33' }, { x: result.loopA.offSample, label: 'A off', color: '#a33' },
    { x: result.loopB.onSample, label: 'B on', color: '#383' }, { x: result.loopB.offSample, label: 'B off', color: '#383' },
  ] : [];
  return layout(`Reading ${meterId} / ${seq}`, `
${lineChart([{ name: 'loop A', color: '#a33', points: Array.from(r.loopA) }, { name: 'loop B', color: '#383', points: Array.from(r.loopB) }], { id: 'chart-loops', title: `Loops A (red) and B (green), ${r.n} samples at ${r.sampleRateHz} Hz`, markers })}
<table id="reading-speeds"><tr><th>recorded on the ledger</th><td id="speed-recorded">${km(record.speedCentiKmh)} km/h ${esc(record.verdict)}</td></tr>
<tr><th>recomputed here (LR core of this dashboard)</th><td id="speed-recomputed">${result.ok ? `${km(result.speedCentiKmh)} km/h ACCEPTED` : `— INVALIDATED (${esc(result.reason)})`}</td></tr></table>
<p>The legally binding re-execution is the audit's (<code>speedledger audit</code>, on the approved package); this page shows the signal and the dashboard's own recomputation.</p>
<p><a href="/tx/${record.txId}">transaction</a></p>`);
}

/** Surveillance findings (and the last audit report, when one was given). */
export function findingsPage(findings: readonly SurveillanceFinding[], audit?: { passed: boolean; findings: readonly { code: string; blockNumber: number; txId?: string; message: string }[] }): string {
  return layout('Findings', `<h2>Surveillance</h2>${findings.length === 0 ? '<p id="surveillance-none">No surveillance findings.</p>' : `<table id="surveillance"><tr><th>severity</th><th>kind</th><th>meter</th><th>what</th><th>evidence</th></tr>${findings.map((f) => `<tr><td>${esc(f.severity)}</td><td>${esc(f.kind)}</td><td>${esc(f.meterId ?? '')}</td><td>${esc(f.sentence)}</td><td>${f.evidence.map((e) => `<code>${esc(e)}</code>`).join(' ')}</td></tr>`).join('')}</table>`}
<h2>Audit</h2>${audit === undefined ? '<p>No audit report loaded (run <code>speedledger audit --out report.json</code> and start the dashboard with <code>--audit-report</code>).</p>' : `<p id="audit-verdict">${audit.passed ? 'passed' : 'FAILED'}: ${audit.findings.length} findings</p><table id="audit">${audit.findings.map((f) => `<tr><td>${esc(f.code)}</td><td>${f.blockNumber}</td><td><code>${esc(f.txId ?? '')}</code></td><td>${esc(f.message)}</td></tr>`).join('')}</table>`}`);
}

/** The citizen's verify page: the browser checks the signature itself (bundled @noble/curves). */
export function verifyPage(): string {
  return layout('Verify a reading', `<p>Paste a DLR1 reading (base64 or hex) or choose its file. Your browser fetches the key the ledger registered for its meter and checks the signature itself; nothing is sent but the meter id.</p>
<p><input type="file" id="reading-file"></p><p><textarea id="reading-text" rows="6" cols="100" placeholder="base64 or hex"></textarea></p>
<p><button id="verify-button">Verify</button></p><div id="verify-result" aria-live="polite"></div>`, '/assets/verify.js');
}
