/**
 * The I/O around the end-to-end benchmark: the CPU time each member process of the embedded
 * network has used (from /proc), so a run can say where the time went.
 */
import { readFileSync } from 'node:fs';
import { readManifest } from '@speedledger/network';

/** CPU seconds (user + system) a process has used, or undefined if it is gone. */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (clock ticks, 100 Hz on Linux).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** CPU seconds of every network member (by manifest name) and of this process (`bench-client`). */
export async function memberCpuSeconds(dataDir: string): Promise<Map<string, number>> {
  const manifest = await readManifest(dataDir);
  const out = new Map<string, number>();
  for (const member of manifest.processes) {
    let pid: number;
    try {
      pid = Number(readFileSync(member.pidFile, 'utf8').trim());
    } catch {
      continue;
    }
    const seconds = cpuSecondsOf(pid);
    if (seconds !== undefined) out.set(member.name, seconds);
  }
  const self = process.cpuUsage();
  out.set('bench-client', (self.user + self.system) / 1e6);
  return out;
}

/** CPU seconds used between two {@link memberCpuSeconds} samples, per member. */
export function cpuDelta(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, seconds] of after) {
    const start = before.get(name);
    if (start !== undefined) out.set(name, Math.round((seconds - start) * 100) / 100);
  }
  return out;
}
