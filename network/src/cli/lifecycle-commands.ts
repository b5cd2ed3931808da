import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { resolveMember } from '../runtime/identity-lookup.js';
import { readManifest } from '../runtime/manifest-store.js';
import { downNetwork, networkStatus, type NetworkStatus } from '../runtime/network-control.js';
import { purgeNetwork } from '../runtime/purge-network.js';
import { upNetwork } from '../runtime/up-network.js';
import type { ExtraServicesProvider } from '../runtime/extra-services.js';
import { formatServices } from './services-format.js';
import { DATA_DIR_OPTION, defaultDataDir, parseOrUsage, reportFailure, usageProblem, type NetworkCliCommand, type NetworkCliIo } from './cli-support.js';

const UP_USAGE = `speedledger up [--data-dir DIR] [--orderers 4] [--base-port 7050|auto] [--package FILE] [--skip-deploy]

Starts the embedded network on loopback: four organisations (Inmetro and PTB — notified bodies —,
LaSIGE, CityOperator), one BFT orderer replica per organisation (--orderers 3f+1; beyond four,
assigned round-robin) and one peer each, as detached processes (logs in DIR/logs, pids in DIR/run).
The first time it generates crypto material in Fabric's layout (DIR/organizations/<org>), the
channel genesis block, DIR/connection-<org>.json and DIR/network.json, then installs, approves,
commits and initialises lr-chaincode (default package: lr-chaincode/build/lr-chaincode.tar.gz).
On an existing DIR it restarts what is not running; nothing is regenerated, and --orderers or
--base-port other than DIR's are refused (OPTION_NOT_APPLICABLE). --skip-deploy starts the
members without deploying the chaincode (a later "up" deploys it).
Before starting anything, every port the network needs is checked: a taken port is refused
(PORTS_BUSY) with the pid and command holding it, and nothing is sent anywhere; --base-port auto
picks a free block for a new DIR. A member counts as started only when its own process is alive
and its operations port answers with the name, MSP id and certificate DIR/network.json expects;
a member that fails is reported with the last lines of its log.
DIR defaults to $SPEEDLEDGER_DATA_DIR or ./speedledger-network. Ports: organisation slot k uses
base+10k (orderer), +1 (peer), +2 (orderer metrics), +3 (peer operations).`;

function printWhere(io: NetworkCliIo, manifest: Awaited<ReturnType<typeof upNetwork>>): void {
  const lines = [
    `network up in ${manifest.dataDir} (channel ${manifest.channel})`,
    `  manifest          ${manifest.dataDir}/network.json`,
    `  genesis block     ${manifest.genesisBlock}`,
    `  chaincode         ${manifest.chaincode.name} ${manifest.chaincode.version} seq ${manifest.chaincode.sequence} sha256 ${manifest.chaincode.packageSha256 ?? '-'}`,
  ];
  for (const p of manifest.processes) lines.push(`  ${p.kind.padEnd(8)} ${p.name.padEnd(42)} grpc ${p.address}  ${p.kind === 'peer' ? 'operations' : 'metrics'} ${p.operations}  log ${p.logFile}`);
  for (const o of manifest.orgs) lines.push(`  ${o.mspId.padEnd(16)} connection profile ${o.connectionProfile}`);
  for (const i of manifest.identities) lines.push(`  identity ${i.name.padEnd(36)} ${i.mspDir}`);
  io.stdout.write(`${lines.join('\n')}\n`);
}

/** `speedledger up`; `services` come from a composer (see up-extension.ts), never from the command line here. */
export const upCommand: NetworkCliCommand & { run(args: string[], io: NetworkCliIo, services?: ExtraServicesProvider): Promise<number> } = {
  path: ['up'],
  summary: 'Start (or restart) the embedded multi-organisation network',
  usage: UP_USAGE,
  async run(args, io, services?: ExtraServicesProvider) {
    const parsed = parseOrUsage(args, { ...DATA_DIR_OPTION, orderers: { type: 'string' }, 'base-port': { type: 'string' }, package: { type: 'string' }, 'skip-deploy': { type: 'boolean', default: false } }, UP_USAGE, io);
    if (parsed === undefined) return 2;
    const { values } = parsed;
    const orderers = values.orderers === undefined ? undefined : Number(values.orderers);
    const basePort = values['base-port'] === undefined ? undefined : values['base-port'] === 'auto' ? 'auto' as const : Number(values['base-port']);
    if (orderers !== undefined && !(Number.isInteger(orderers) && orderers >= 4 && orderers % 3 === 1)) return usageProblem(io, '--orderers must be 3f+1 ≥ 4 (4, 7, 10, …)', UP_USAGE);
    if (basePort !== undefined && basePort !== 'auto' && !(Number.isInteger(basePort) && basePort >= 1024 && basePort < 65_000)) {
      return usageProblem(io, '--base-port must be an integer in 1024..64999 or auto', UP_USAGE);
    }
    try {
      const manifest = await upNetwork({
        dataDir: values['data-dir'] ?? defaultDataDir(),
        ...(orderers === undefined ? {} : { orderers }), ...(basePort === undefined ? {} : { basePort }),
        ...(values.package === undefined ? {} : { packageFile: values.package }),
        deploy: values['skip-deploy'] !== true,
        log: (line) => io.stderr.write(`${line}\n`),
        ...(services === undefined ? {} : { services }),
      });
      printWhere(io, manifest);
      return 0;
    } catch (error) {
      return reportFailure(io, 'up', error);
    }
  },
};

const DOWN_USAGE = `speedledger down [--data-dir DIR] [--purge]

Stops every peer, then every orderer: SIGTERM, SIGKILL after 10 s. Idempotent. Data is kept
("speedledger up" restarts the same network) unless --purge: then DIR is deleted, but only if
its network.json is a speedledger manifest naming DIR itself (PURGE_REFUSED otherwise, nothing
deleted).`;

/** `speedledger down`. */
export const downCommand: NetworkCliCommand = {
  path: ['down'],
  summary: 'Stop the embedded network (data kept)',
  usage: DOWN_USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, { ...DATA_DIR_OPTION, purge: { type: 'boolean', default: false } }, DOWN_USAGE, io);
    if (parsed === undefined) return 2;
    try {
      const dataDir = parsed.values['data-dir'] ?? defaultDataDir();
      const stopped = parsed.values.purge === true ? await purgeNetwork(dataDir) : await downNetwork(dataDir);
      io.stdout.write(stopped.length === 0 ? 'nothing was running\n' : `stopped ${stopped.join(', ')}\n`);
      if (parsed.values.purge === true) io.stdout.write(`deleted ${resolve(dataDir)}\n`);
      return 0;
    } catch (error) {
      return reportFailure(io, 'down', error);
    }
  },
};

const STATUS_USAGE = `speedledger status [--data-dir DIR] [--json]

Channel, chaincode (name, version, package SHA-256) and every orderer and peer endpoint with its
health and ledger height (peers' /status, orderers' /metrics). Exit 1 if any member is unhealthy.`;

/** `healthy`, `degraded`, or in capitals with the reason: `DOWN (not running)`, `NOT OURS (…)`, `UNHEALTHY (…)`. */
function memberStateText(m: NetworkStatus['members'][number]): string {
  const state = m.state ?? (m.healthy ? 'healthy' : 'down');
  if (m.healthy && (state === 'healthy' || state === 'degraded')) return state;
  return `${state.toUpperCase()}${m.error === undefined ? '' : ` (${m.error})`}`;
}

/** Human-readable rendering of a {@link NetworkStatus}. */
export function formatStatus(status: NetworkStatus): string {
  const c = status.chaincode;
  const lines = [
    `data dir   ${status.dataDir}`,
    `channel    ${status.channel}`,
    `chaincode  ${c.name} ${c.version} sequence ${c.sequence} sha256 ${c.packageSha256 ?? '-'}${c.deployed ? '' : ' (not deployed)'}`,
  ];
  for (const m of status.members) {
    const health = memberStateText(m);
    const hash = m.currentBlockHash === undefined ? '' : ` hash ${m.currentBlockHash.slice(0, 16)}…`;
    const view = m.view === undefined ? '' : ` view ${m.view}`;
    lines.push(`${m.kind.padEnd(8)} ${m.name.padEnd(42)} ${m.address.padEnd(16)} ${health.padEnd(8)} height ${m.height ?? '-'}${view}${hash}${m.pid === undefined ? '' : ` pid ${m.pid}`}`);
    if (m.degraded !== undefined) lines.push(`         degraded: ${m.degraded}`);
    for (const cc of m.chaincodes ?? []) {
      lines.push(`         ${cc.name} ${cc.version} seq ${cc.sequence} ${cc.running ? 'running' : 'not running'}${cc.refusal === undefined ? '' : ` refused: ${cc.refusal}`}`);
    }
  }
  lines.push(...formatServices(status.services ?? []));
  return `${lines.join('\n')}\n`;
}

/** `speedledger status`. */
export const statusCommand: NetworkCliCommand = {
  path: ['status'],
  summary: 'Health, heights and chaincode of every network member',
  usage: STATUS_USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, { ...DATA_DIR_OPTION, json: { type: 'boolean', default: false } }, STATUS_USAGE, io);
    if (parsed === undefined) return 2;
    try {
      const status = await networkStatus(parsed.values['data-dir'] ?? defaultDataDir());
      io.stdout.write(parsed.values.json === true ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
      return status.members.every((m) => m.healthy) && (status.services ?? []).every((s) => s.healthy) ? 0 : 1;
    } catch (error) {
      return reportFailure(io, 'status', error, parsed.values.json === true);
    }
  },
};

const LOGS_USAGE = `speedledger logs [--data-dir DIR] [--follow] [--lines N] [NAME]

Prints the last N lines (default 50) of a member's log (NAME: e.g. peer0.inmetro or
orderer0.ptb.speedledger.local), or of every member's log prefixed by its name. --follow keeps
printing new lines until interrupted.`;

async function tail(file: string, lines: number): Promise<{ text: string; size: number }> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return { text: '', size: 0 };
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - 256 * 1024);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const all = buffer.toString('utf8').split('\n');
    if (all.at(-1) === '') all.pop();
    return { text: all.slice(-lines).map((l) => `${l}\n`).join(''), size };
  } finally {
    await handle.close();
  }
}

/** `speedledger logs`. */
export const logsCommand: NetworkCliCommand = {
  path: ['logs'],
  summary: 'Show (or follow) the logs of network members',
  usage: LOGS_USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, { ...DATA_DIR_OPTION, follow: { type: 'boolean', default: false }, lines: { type: 'string', default: '50' } }, LOGS_USAGE, io, true);
    if (parsed === undefined) return 2;
    const lines = Number(parsed.values.lines);
    if (!Number.isInteger(lines) || lines < 0) return usageProblem(io, '--lines must be a non-negative integer', LOGS_USAGE);
    if (parsed.positionals.length > 1) return usageProblem(io, 'at most one member name', LOGS_USAGE);
    try {
      const manifest = await readManifest(parsed.values['data-dir'] ?? defaultDataDir());
      const members = parsed.positionals[0] === undefined ? manifest.processes : [resolveMember(manifest, parsed.positionals[0])];
      const prefix = (name: string, text: string): string => (members.length === 1 ? text : text.split('\n').map((l) => (l === '' ? l : `${name} | ${l}`)).join('\n'));
      const offsets = new Map<string, number>();
      for (const m of members) {
        const { text, size } = await tail(m.logFile, lines);
        io.stdout.write(prefix(m.name, text));
        offsets.set(m.name, size);
      }
      if (parsed.values.follow !== true) return 0;
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => void (async () => {
          for (const m of members) {
            const size = await stat(m.logFile).then((s) => s.size, () => 0);
            const from = offsets.get(m.name) ?? 0;
            if (size <= from) continue;
            const handle = await open(m.logFile, 'r');
            const buffer = Buffer.alloc(size - from);
            await handle.read(buffer, 0, buffer.length, from);
            await handle.close();
            offsets.set(m.name, size);
            io.stdout.write(prefix(m.name, buffer.toString('utf8')));
          }
        })(), 500);
        const stop = (): void => {
          clearInterval(timer);
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      return 0;
    } catch (error) {
      return reportFailure(io, 'logs', error);
    }
  },
};

