import { createServer, type Server } from 'node:net';

function listen(port: number, host: string): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, host, () => resolve(server));
  });
}

/**
 * A base port whose next `span` ports are all free on `host` right now (probed by binding each;
 * a small race with other processes is acceptable on loopback). Tries random bases in 20000–59999.
 */
export async function freeBasePort(span: number, host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 4000) * 10;
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
