/**
 * The CPU cost model of a level: CPU seconds each member used (from /proc, over the whole
 * level) per committed transaction and per recorded reading, grouped by role, with the
 * intrinsic floor beside it. `node bench/dist/experiment/cost-model.js results/clients.json`
 * prints the Markdown table of every level of every series.
 */
import { readFile } from 'node:fs/promises';
import type { LevelReport } from './level-runner.js';

/** The role of a member of the embedded network in one transaction. */
export type MemberRole = 'gateway peer (CityOperator)' | 'endorsing peer' | 'committing peer' | 'orderer' | 'client';

/**
 * Which role a member plays: the city operator's peer is the clients' gateway (it endorses
 * nothing: CityOperator is not in the OutOf(2) policy, so it sends both endorsements to policy
 * organisations), Inmetro's and PTB's peers are the endorsers the gateway picks first, LaSIGE's
 * peer only validates and commits, `bench-client` is the load generator.
 */
export function roleOf(member: string): MemberRole {
  if (member === 'bench-client') return 'client';
  if (member.startsWith('orderer')) return 'orderer';
  if (member.includes('cityoperator')) return 'gateway peer (CityOperator)';
  if (member.includes('inmetro') || member.includes('ptb')) return 'endorsing peer';
  return 'committing peer';
}

/** One row of the cost model. */
export interface CostRow {
  readonly member: string;
  readonly role: MemberRole;
  readonly cpuSeconds: number;
  readonly msPerTransaction: number;
  readonly msPerReading: number;
}

/** Rows per member and a total, from a level's CPU seconds and what the whole level committed. */
export function costModel(level: Pick<LevelReport, 'cpuSeconds' | 'levelCommittedTransactions' | 'levelRecordedReadings'>): { rows: CostRow[]; total: CostRow } {
  const tx = level.levelCommittedTransactions;
  const readings = level.levelRecordedReadings;
  if (tx === 0 || readings === 0) throw new Error('a level that committed nothing has no cost per transaction');
  const row = (member: string, role: MemberRole, cpuSeconds: number): CostRow => ({
    member, role, cpuSeconds, msPerTransaction: (cpuSeconds * 1000) / tx, msPerReading: (cpuSeconds * 1000) / readings,
  });
  const rows = Object.entries(level.cpuSeconds).map(([member, seconds]) => row(member, roleOf(member), seconds));
  const total = rows.reduce((s, r) => s + r.cpuSeconds, 0);
  return { rows, total: row('all members', 'client', total) };
}

/** A Markdown table of a cost model (ms of CPU per transaction and per reading). */
export function costTable(title: string, level: Parameters<typeof costModel>[0]): string {
  const { rows, total } = costModel(level);
  const f = (x: number): string => (x >= 10 ? x.toFixed(0) : x.toFixed(1));
  const lines = [`${title}: ${level.levelCommittedTransactions} transactions, ${level.levelRecordedReadings} readings`, '', '| member | role | CPU s | ms per tx | ms per reading |', '|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.member} | ${r.role} | ${r.cpuSeconds.toFixed(2)} | ${f(r.msPerTransaction)} | ${f(r.msPerReading)} |`);
  lines.push(`| **all** | | ${total.cpuSeconds.toFixed(2)} | **${f(total.msPerTransaction)}** | **${f(total.msPerReading)}** |`);
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('cost-model.js') === true) {
  for (const file of process.argv.slice(2)) {
    const json = JSON.parse(await readFile(file, 'utf8')) as { series: { label: string; levels: LevelReport[] }[] };
    for (const s of json.series) {
      for (const level of s.levels) {
        if (level.levelCommittedTransactions === 0) continue;
        console.log(`${costTable(`${s.label}, ${level.clients} clients × ${level.batch}`, level)}\n`);
      }
    }
  }
}
