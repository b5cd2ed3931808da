import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDataset } from '../dataset/create-dataset.js';
import type { DatasetOptions } from '../dataset/dataset-options.js';

/**
 * Generates a dataset into `dir`: `readings/*.dlr`, `manifest.jsonl` (one ManifestEntry per
 * line, in t0 order), `fleet.json` and `keys/<meterId>.pem` (PKCS#8). Creates `dir` if needed
 * and overwrites files of the same names; refusing a non-empty directory is the caller's call.
 * Returns the number of files written and their total size in bytes.
 */
export async function writeDataset(dir: string, options: DatasetOptions): Promise<{ files: number; bytes: number }> {
  const dataset = createDataset(options);
  await mkdir(join(dir, 'readings'), { recursive: true });
  await mkdir(join(dir, 'keys'), { recursive: true });
  let files = 0;
  let bytes = 0;
  const put = async (path: string, data: string | Uint8Array): Promise<void> => {
    await writeFile(join(dir, path), data);
    files++;
    bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  };
  await put('fleet.json', `${JSON.stringify(dataset.fleet, null, 2)}\n`);
  for (const [meterId, signer] of dataset.signers) await put(join('keys', `${meterId}.pem`), signer.privateKeyPem);
  const manifest = await open(join(dir, 'manifest.jsonl'), 'w');
  try {
    for (const reading of dataset.readings()) {
      await put(reading.truth.file, reading.bytes);
      const line = `${JSON.stringify(reading.truth)}\n`;
      await manifest.write(line);
      bytes += Buffer.byteLength(line);
    }
  } finally {
    await manifest.close();
  }
  files++;
  return { files, bytes };
}
