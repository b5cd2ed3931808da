import { createServer } from 'node:net';
import { readdir, readFile, readlink } from 'node:fs/promises';

/** A port `up` needs, and for what. */
export interface PortNeed {
  /** host:port. */
  readonly address: string;
  /** The member that will listen there. */
  readonly member: string;
  readonly role: 'grpc' | 'operations';
}

/** The process listening on a port, as far as this user can see it. */
export interface PortHolder {
  readonly pid: number;
  /** Its command line, arguments joined by spaces (shortened). */
  readonly command: string;
}

/** A port that is not free, with its holder when one could be identified. */
export interface BusyPort extends PortNeed {
  readonly port: number;
  readonly holder?: PortHolder;
}

const TCP_LISTEN = '0A';

/**
 * Socket inodes of listening TCP sockets by local port, from the text of `/proc/net/tcp` or
 * `/proc/net/tcp6` (columns: sl, local_address HEXIP:HEXPORT, rem_address, st, …, inode). Pure.
 */
export function listeningInodes(procNetTcp: string): Map<number, string[]> {
  const byPort = new Map<number, string[]>();
  for (const line of procNetTcp.split('\n').slice(1)) {
    const columns = line.trim().split(/\s+/);
    if (columns.length < 10 || columns[3] !== TCP_LISTEN) continue;
    const port = Number.parseInt(columns[1]!.split(':')[1] ?? '', 16);
    const inode = columns[9]!;
    if (!Number.isInteger(port) || inode === '0') continue;
    byPort.set(port, [...(byPort.get(port) ?? []), inode]);
  }
  return byPort;
}

async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8').catch(() => '');
}

/**
 * The processes (visible to this user) listening on `ports`: listening sockets from
 * `/proc/net/tcp{,6}`, matched to a pid through the `socket:[inode]` links in `/proc/<pid>/fd`.
 * Empty where there is no `/proc` (the port is still reported busy, holder unknown).
 */
export async function portHolders(ports: readonly number[]): Promise<Map<number, PortHolder>> {
  const inodeToPort = new Map<string, number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const [port, inodes] of listeningInodes(await readText(table))) {
      if (ports.includes(port)) for (const inode of inodes) inodeToPort.set(inode, port);
    }
  }
  const holders = new Map<number, PortHolder>();
  if (inodeToPort.size === 0) return holders;
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      const port = inode === undefined ? undefined : inodeToPort.get(inode);
      if (port === undefined || holders.has(port)) continue;
      const command = (await readText(`/proc/${pid}/cmdline`)).split('\0').filter((a) => a !== '').join(' ');
      holders.set(port, { pid: Number(pid), command: command.length > 160 ? `${command.slice(0, 157)}...` : command });
    }
    if (holders.size === inodeToPort.size) break;
  }
  return holders;
}

/** True when `host:port` can be bound right now (closed again at once). */
function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function splitAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

/**
 * The ports of `needs` that cannot be bound, each with its holder where `/proc` shows one.
 * Binding is the test (it also sees holders in other users' processes); nothing is sent anywhere.
 */
export async function busyPorts(needs: readonly PortNeed[]): Promise<BusyPort[]> {
  const busy: Omit<BusyPort, 'holder'>[] = [];
  for (const need of needs) {
    const { host, port } = splitAddress(need.address);
    if (!(await canBind(host, port))) busy.push({ ...need, port });
  }
  if (busy.length === 0) return [];
  const holders = await portHolders(busy.map((b) => b.port));
  return busy.map((b) => {
    const holder = holders.get(b.port);
    return holder === undefined ? b : { ...b, holder };
  });
}

/** One line per busy port: `127.0.0.1:7050 (grpc of orderer0.inmetro…) is held by pid 123: node …`. Pure. */
export function describeBusyPorts(busy: readonly BusyPort[]): string {
  return busy.map((b) => {
    const holder = b.holder === undefined ? 'is in use (holder not visible to this user)' : `is held by pid ${b.holder.pid}: ${b.holder.command}`;
    return `  ${b.address} (${b.role} of ${b.member}) ${holder}`;
  }).join('\n');
}
