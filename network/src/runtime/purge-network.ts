import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { NetworkError } from '../errors/network-error.js';
import { readManifest } from './manifest-store.js';
import { downNetwork } from './network-control.js';
import { livePid } from './process-control.js';

/**
 * `speedledger down --purge`: stops the network, then deletes its data directory: only a
 * directory whose `network.json` is our manifest and names this very directory (not one copied
 * or moved here), never `/` or the home directory, and only once no member of it is alive.
 * PURGE_REFUSED otherwise, with nothing deleted. Returns the members it stopped.
 */
export async function purgeNetwork(dataDir: string, graceMs = 10_000): Promise<string[]> {
  const dir = resolve(dataDir);
  if (dir === resolve('/') || dir === homedir()) throw new NetworkError('PURGE_REFUSED', `refusing to delete ${dir}`, { dataDir: dir });
  let manifest;
  try {
    manifest = await readManifest(dir);
  } catch (cause) {
    const why = (cause as { code?: string }).code === 'MANIFEST_MISSING' ? 'has no network.json' : 'has a network.json that is not a speedledger manifest';
    throw new NetworkError('PURGE_REFUSED', `${dir} ${why}, so it is not a speedledger data directory: nothing deleted`, { dataDir: dir }, cause);
  }
  if (resolve(manifest.dataDir) !== dir) {
    throw new NetworkError('PURGE_REFUSED', `${dir}/network.json belongs to the network in ${manifest.dataDir} (copied or moved?): nothing deleted`, { dataDir: dir });
  }
  const stopped = await downNetwork(dir, graceMs);
  const alive = [];
  for (const member of manifest.processes) if ((await livePid(member)) !== undefined) alive.push(member.name);
  if (alive.length > 0) throw new NetworkError('PURGE_REFUSED', `${alive.join(', ')} still running: nothing deleted`, { dataDir: dir });
  await rm(dir, { recursive: true, force: true });
  return stopped;
}
