import { resolve } from 'node:path';
import { runSupervisor } from './supervisor.js';

/*
 * Entry point of the detached supervisor `speedledger up` starts:
 * `node supervisor-main.js DATA_DIR`. Tuning from SPEEDLEDGER_SUPERVISOR_INTERVAL_MS,
 * SPEEDLEDGER_SUPERVISOR_FAILURES and SPEEDLEDGER_SUPERVISOR_RESPAWN_EXITED=1.
 */
const dataDir = process.argv[2];
if (dataDir === undefined) {
  process.stderr.write('usage: supervisor-main.js DATA_DIR\n');
  process.exit(2);
}
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort());
process.on('SIGINT', () => controller.abort());
const number = (name: string): number | undefined => (process.env[name] === undefined ? undefined : Number(process.env[name]));
const interval = number('SPEEDLEDGER_SUPERVISOR_INTERVAL_MS');
const failures = number('SPEEDLEDGER_SUPERVISOR_FAILURES');
await runSupervisor(resolve(dataDir), {
  signal: controller.signal,
  respawnExited: process.env.SPEEDLEDGER_SUPERVISOR_RESPAWN_EXITED === '1',
  ...(interval === undefined ? {} : { intervalMs: interval }),
  ...(failures === undefined ? {} : { failuresBeforeRestart: failures }),
});
process.exit(0);
