import { createServer, type Server } from 'node:http';
import { PeerNodeError } from './peer-node-error.js';

/** What the operations endpoint reports. */
export interface OperationsSource {
  /** Health checks by name; the peer is healthy when all pass. */
  health(): Record<string, { readonly ok: boolean; readonly detail?: string }>;
  /** The `/status` document. */
  status(): Promise<unknown>;
  /** The `/metrics` Prometheus text. */
  metrics(): string;
}

/** A listening operations server. */
export interface OperationsServer {
  /** The bound address, host:port. */
  readonly address: string;
  close(): Promise<void>;
}

/**
 * `GET /healthz` (200 when every check passes, else 503; JSON), `GET /status` (JSON) and
 * `GET /metrics` (Prometheus text) on `address` (host:port; port 0 picks one).
 */
export async function startOperationsServer(address: string, source: OperationsSource): Promise<OperationsServer> {
  const server: Server = createServer((request, response) => {
    const json = (code: number, body: unknown): void => {
      response.writeHead(code, { 'content-type': 'application/json' });
      response.end(`${JSON.stringify(body)}\n`);
    };
    if (request.method !== 'GET') return json(405, { error: 'only GET is supported' });
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      const checks = source.health();
      const ok = Object.values(checks).every((c) => c.ok);
      return json(ok ? 200 : 503, { status: ok ? 'OK' : 'Service Unavailable', checks });
    }
    if (path === '/status') {
      source.status().then((body) => json(200, body), (error: unknown) => json(500, { error: (error as Error).message }));
      return;
    }
    if (path === '/metrics') {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      response.end(source.metrics());
      return;
    }
    json(404, { error: `no such endpoint ${path}` });
  });
  const separator = address.lastIndexOf(':');
  const host = address.slice(0, separator);
  const port = Number(address.slice(separator + 1));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause) => reject(new PeerNodeError('LISTEN_FAILED', `operations server cannot listen on ${address}`, { address }, cause)));
    server.listen(port, host, () => resolve());
  });
  const bound = server.address();
  const actual = typeof bound === 'object' && bound !== null ? `${host}:${bound.port}` : address;
  return {
    address: actual,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
