import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from './logger.js';
import type { LogSpec } from './log-spec.js';
import { RuntimeError } from './runtime-error.js';
import type { VersionInfo } from './version-info.js';

/** One named health check: `/healthz` is 200 only when every check is ok. */
export interface HealthCheck {
  readonly ok: boolean;
  /** Why it is red; `/healthz` reports it as the failed check's `reason`. */
  readonly detail?: string;
}

/** What a peer or an orderer exposes on its operations port. */
export interface OperationsEndpoints {
  /** Health checks by component name, read on every `/healthz`. */
  health(): Readonly<Record<string, HealthCheck>>;
  /** The Prometheus text for `/metrics` (format 0.0.4). */
  metrics(): string;
  /** `/version`'s document, read once at start-up. */
  readonly version: VersionInfo;
  /** The process's logging spec, read by `GET /logspec` and changed by `PUT /logspec`. */
  readonly logSpec: LogSpec;
  /** The `/status` document (who answers on this port); without it `/status` is 404. */
  status?(): unknown;
  /** Where a changed logging spec is recorded. */
  readonly log?: Logger;
}

/** A listening operations server. */
export interface OperationsHttp {
  /** The bound address, host:port (the real port when 0 was asked for). */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Fabric's `failed_checks` entry. */
interface FailedCheck {
  readonly component: string;
  readonly reason: string;
}

/** A `/logspec` body larger than this is refused: a spec is a few words. */
const MAX_LOGSPEC_BYTES = 4096;

const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  '/healthz': ['GET'], '/version': ['GET'], '/logspec': ['GET', 'PUT'], '/metrics': ['GET'], '/status': ['GET'],
};

/**
 * The operations HTTP server of peers and orderers, with Fabric's conventions: `GET /healthz`
 * (200 `{status: "OK", time}`, or 503 `{status: "Service Unavailable", time, failed_checks:
 * [{component, reason}]}`; both also carry `checks`, every check by name), `GET /version`
 * (`{CommitSHA, Version}`), `GET /logspec` (`{spec}`) and `PUT /logspec` with `{"spec": "debug"}`
 * (204; 400 `{error}` for a spec that does not parse), plus `GET /metrics` and `GET /status`.
 * A known path with another method is 405, an unknown one 404, both with `{error}`.
 * Listens on `address` (host:port, port 0 picks one); a port that cannot be bound is `LISTEN_FAILED`.
 */
export async function startOperationsHttp(address: string, endpoints: OperationsEndpoints): Promise<OperationsHttp> {
  const server = createServer((request, response) => {
    handle(endpoints, request, response).catch((error: unknown) => {
      if (!response.headersSent) json(response, 500, { error: (error as Error).message });
      else response.destroy();
    });
  });
  const { host, port } = splitAddress(address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause) => reject(new RuntimeError('LISTEN_FAILED', `operations server cannot listen on ${address}: ${(cause as Error).message}`, { address }, cause)));
    server.listen(port, host, () => resolve());
  });
  const bound = server.address();
  const actualPort = typeof bound === 'object' && bound !== null ? bound.port : port;
  return {
    address: `${address.slice(0, address.lastIndexOf(':'))}:${actualPort}`,
    port: actualPort,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function handle(endpoints: OperationsEndpoints, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '/').split('?')[0]!;
  const methods = path === '/status' && endpoints.status === undefined ? undefined : ALLOWED[path];
  if (methods === undefined) return json(response, 404, { error: `no such endpoint ${path}` });
  const method = request.method ?? 'GET';
  if (!methods.includes(method)) {
    response.setHeader('allow', methods.join(', '));
    return json(response, 405, { error: `invalid request method: ${method} (${path} allows ${methods.join(', ')})` });
  }
  switch (path) {
    case '/healthz': return json(response, ...healthz(endpoints.health()));
    case '/version': return json(response, 200, endpoints.version);
    case '/metrics':
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      response.end(endpoints.metrics());
      return;
    case '/status': return json(response, 200, await endpoints.status!());
    default: return method === 'PUT' ? putLogSpec(endpoints, request, response) : json(response, 200, { spec: endpoints.logSpec.spec });
  }
}

function healthz(checks: Readonly<Record<string, HealthCheck>>): [number, unknown] {
  const failed: FailedCheck[] = Object.entries(checks)
    .filter(([, check]) => !check.ok)
    .map(([component, check]) => ({ component, reason: check.detail ?? 'unhealthy' }));
  const time = new Date().toISOString();
  // As Fabric's healthz handler: failed_checks only when something failed.
  return failed.length === 0
    ? [200, { status: 'OK', time, checks }]
    : [503, { status: 'Service Unavailable', time, failed_checks: failed, checks }];
}

async function putLogSpec(endpoints: OperationsEndpoints, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await readBody(request, MAX_LOGSPEC_BYTES);
  if (body === undefined) return json(response, 413, { error: `logspec body larger than ${MAX_LOGSPEC_BYTES} bytes` });
  let spec: unknown;
  try {
    spec = (JSON.parse(body) as { spec?: unknown } | null)?.spec ?? '';
  } catch (error) {
    return json(response, 400, { error: `logspec body is not JSON: ${(error as Error).message}` });
  }
  if (typeof spec !== 'string') return json(response, 400, { error: 'logspec body must be {"spec": "<level>"}' });
  const before = endpoints.logSpec.spec;
  try {
    endpoints.logSpec.activate(spec);
  } catch (error) {
    return json(response, 400, { error: (error as Error).message });
  }
  // warn, so the change is on record at every level but error.
  endpoints.log?.log('warn', 'logspec-changed', { from: before, to: endpoints.logSpec.spec });
  response.writeHead(204).end();
}

/** The body as text, or undefined once it exceeds `limit` bytes (the rest is not read). */
function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function json(response: ServerResponse, code: number, body: unknown): void {
  response.writeHead(code, { 'content-type': 'application/json' });
  response.end(`${JSON.stringify(body)}\n`);
}

function splitAddress(address: string): { host: string; port: number } {
  const separator = address.lastIndexOf(':');
  const host = address.slice(0, separator);
  // [::1]:9443 names an IPv6 host; listen() wants it without the brackets.
  return { host: host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host, port: Number(address.slice(separator + 1)) };
}
