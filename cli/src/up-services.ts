import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectionProfilePath, findOrg, identityDir, type ExtraServiceSpec, type ServiceContext, type ServiceRecord } from '@speedledger/network';
import { createUpCommand, type UpExtension } from '@speedledger/network/cli';
import { freePorts } from '@speedledger/orderer-bft/cli';
import { redisConfText } from '@speedledger/sensor-ingest';
import type { CliCommand } from './command.js';

/** Where the tests and `up` find redis-server. */
const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
/** This package's executable: the ingest API and the dashboard run as `speedledger …` subcommands. */
const SPEEDLEDGER_BIN = fileURLToPath(new URL('../bin/speedledger.js', import.meta.url));

const USAGE = `Ingest tier and dashboard (started after the chaincode is deployed, supervised like the members):
  [--redis URL] [--no-ingest] [--no-dashboard]
By default "up" also starts a Redis with the project's durable settings (AOF, appendfsync always;
config and data in DIR/services/redis), the ingest API and its workers ("speedledger ingest
serve" as CityOperator's User1) and the analytics dashboard, each on a free loopback port kept
across restarts. An operator API key is created at the first start in DIR/services/ingest/operator-key
(mode 0600). --redis URL uses an existing Redis instead (it must run appendonly yes +
appendfsync always); --no-ingest / --no-dashboard leave those out (and stop them if an earlier
"up" started them). "status" shows them, "down" stops them first.`;

const OPTIONS = { redis: { type: 'string' }, 'no-ingest': { type: 'boolean', default: false }, 'no-dashboard': { type: 'boolean', default: false } } as const;

/** The port a previous `up` gave a service (kept across restarts, so URLs and the Redis data stay put). */
function previousPort(previous: readonly ServiceRecord[], name: string): number | undefined {
  const address = previous.find((s) => s.name === name)?.health.address;
  const port = address === undefined ? NaN : Number(address.slice(address.lastIndexOf(':') + 1));
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

async function portFor(previous: readonly ServiceRecord[], name: string): Promise<number> {
  return previousPort(previous, name) ?? (await freePorts(1, '127.0.0.1'))[0]!;
}

/** What this `up` started, for the summary. */
interface Started {
  apiUrl?: string;
  keyFile?: string;
  redisUrl?: string;
  redisDir?: string;
  dashboardUrl?: string;
}

/** The ingest tier's and dashboard's services for one data directory (exported for tests). */
export async function ingestServices(context: ServiceContext, values: { redis?: string; ingest: boolean; dashboard: boolean }, started: Started = {}): Promise<ExtraServiceSpec[]> {
  const { dataDir, previous } = context;
  const specs: ExtraServiceSpec[] = [];
  if (values.ingest) {
    let redisUrl = values.redis;
    if (redisUrl === undefined) {
      const port = await portFor(previous, 'redis');
      const dir = join(dataDir, 'services', 'redis');
      await mkdir(dir, { recursive: true });
      const conf = join(dir, 'redis.conf');
      await writeFile(conf, redisConfText({ port, dir }));
      redisUrl = `redis://127.0.0.1:${port}`;
      started.redisDir = dir;
      // Redis rewrites its process title to "redis-server 127.0.0.1:PORT": that is the marker.
      specs.push({
        name: 'redis', command: [REDIS_SERVER, conf], cmdlineMarker: `127.0.0.1:${port}`, url: redisUrl,
        health: { kind: 'tcp', address: `127.0.0.1:${port}`, send: 'PING\r\n', expect: '+PONG' }, stopGraceMs: 10_000,
      });
    }
    const port = await portFor(previous, 'ingest');
    const keyFile = join(dataDir, 'services', 'ingest', 'operator-key');
    const org = findOrg('cityoperator')!;
    specs.push({
      name: 'ingest',
      command: [
        process.execPath, SPEEDLEDGER_BIN, 'ingest', 'serve', '--connection-profile', connectionProfilePath(dataDir, org.dir), '--msp-id', org.mspId,
        '--msp-dir', identityDir(dataDir, org.dir, 'User1'), '--redis', redisUrl, '--listen', `127.0.0.1:${port}`, '--operator-key-file', keyFile,
      ],
      cmdlineMarker: `--listen 127.0.0.1:${port} --operator-key-file`, url: `http://127.0.0.1:${port}`,
      // Liveness, not readiness: /readyz is red while the peers are away, and a restart would not help.
      health: { kind: 'http', address: `127.0.0.1:${port}`, path: '/healthz' },
      // SIGTERM drains in-flight transactions (bounded by the ledger client's commit deadline).
      stopGraceMs: 70_000,
    });
    Object.assign(started, { apiUrl: `http://127.0.0.1:${port}`, keyFile, redisUrl });
  }
  if (values.dashboard) {
    const port = await portFor(previous, 'dashboard');
    specs.push({
      name: 'dashboard', command: [process.execPath, SPEEDLEDGER_BIN, 'analytics', 'serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir],
      cmdlineMarker: `--port ${port} --data-dir`, url: `http://127.0.0.1:${port}`, health: { kind: 'http', address: `127.0.0.1:${port}`, path: '/api/summary' },
    });
    started.dashboardUrl = `http://127.0.0.1:${port}`;
  }
  return specs;
}

/** The summary lines `up` prints for what it started. */
export function summaryLines(started: Started): string[] {
  const lines: string[] = [];
  if (started.apiUrl !== undefined) {
    lines.push(`  ingest API        ${started.apiUrl}  (POST /v1/readings, OpenAPI ${started.apiUrl}/v1/openapi.json)`);
    lines.push(`  operator key      ${started.keyFile}  (Authorization: Bearer $(cat ${started.keyFile}))`);
    lines.push(`  redis             ${started.redisUrl}${started.redisDir === undefined ? '' : `  (AOF, appendfsync always; data ${started.redisDir})`}`);
  }
  if (started.dashboardUrl !== undefined) lines.push(`  dashboard         ${started.dashboardUrl}`);
  return lines;
}

/** `speedledger up` with the ingest tier and the dashboard. */
export function upWithServices(): CliCommand {
  const started: Started = {};
  const extension: UpExtension = {
    options: OPTIONS,
    usage: USAGE,
    check(values) {
      const redis = values.redis as string | undefined;
      if (redis !== undefined && !/^redis:\/\/[^/\s]+(\/\d+)?$/.test(redis)) return `--redis must be redis://host:port[/db], got ${JSON.stringify(redis)}`;
      if (values['no-ingest'] !== true && redis === undefined && !existsSync(REDIS_SERVER)) {
        return `${REDIS_SERVER} is not installed: run "npm run setup" (installs redis-server from the OS packages), or pass --redis URL of an existing Redis, or --no-ingest`;
      }
      return undefined;
    },
    services: (values) => (context) => ingestServices(context, {
      ...(values.redis === undefined ? {} : { redis: values.redis as string }), ingest: values['no-ingest'] !== true, dashboard: values['no-dashboard'] !== true,
    }, started),
    summary: () => summaryLines(started),
  };
  return createUpCommand(extension);
}
