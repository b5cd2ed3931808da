import { readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NetworkError } from '../errors/network-error.js';
import { MANIFEST_FORMAT, type NetworkManifest } from '../manifest/network-manifest.js';

/** File name of the manifest inside the data directory. */
export const MANIFEST_FILE = 'network.json';

/** Reads `DIR/network.json`; MANIFEST_MISSING if there is none, MANIFEST_INVALID if it is not ours. */
export async function readManifest(dataDir: string): Promise<NetworkManifest> {
  const path = join(resolve(dataDir), MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new NetworkError('MANIFEST_MISSING', `no network in ${dataDir} (${MANIFEST_FILE} is missing): run "speedledger up --data-dir ${dataDir}"`, { dataDir }, cause);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new NetworkError('MANIFEST_INVALID', `${path} is not JSON`, { dataDir }, cause);
  }
  const m = json as Partial<NetworkManifest> | null;
  if (m === null || typeof m !== 'object' || m.format !== MANIFEST_FORMAT || !Array.isArray(m.processes) || !Array.isArray(m.identities) || !Array.isArray(m.orgs)) {
    throw new NetworkError('MANIFEST_INVALID', `${path} is not a ${MANIFEST_FORMAT} manifest`, { dataDir });
  }
  return m as NetworkManifest;
}

/** Writes the manifest atomically (temporary file, then rename). */
export async function writeManifest(manifest: NetworkManifest): Promise<void> {
  const path = join(manifest.dataDir, MANIFEST_FILE);
  await writeFile(`${path}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}
