import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

function listen(port: number, host: string): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, host, () => resolve(server));
  });
}

/** The kernel's ephemeral (outgoing connection) port range, where there is one to read. */
function ephemeralRange(): [number, number] | undefined {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return low !== undefined && high !== undefined && Number.isInteger(low) && Number.isInteger(high) ? [low, high] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A base port whose next `span` ports are all free on `host` right now (probed by binding each;
 * a small race with other processes is acceptable on loopback). Tries random bases in
 * 20000–59999, below the kernel's ephemeral range where it leaves room: inside it, any outgoing
 * connection on the machine may take a port of the block between this probe and the bind
 * (seen: an orderer dying on EADDRINUSE on a busy machine).
 */
export async function freeBasePort(span: number, host = '127.0.0.1'): Promise<number> {
  const low = ephemeralRange()?.[0];
  const top = low !== undefined && low - span > 22_000 ? low - span : 60_000 - span;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * Math.floor((top - 20_000) / 10)) * 10;
    const servers: Server[] = [];
    let ok = true;
    for (let port = base; port < base + span; port += 1) {
      const server = await listen(port, host);
      if (server === undefined) {
        ok = false;
        break;
      }
      servers.push(server);
    }
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    if (ok) return base;
  }
  throw new Error(`no block of ${span} free ports found`);
}
