import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeMsp, type EnrolledIdentity, type KeyPairPem } from '@speedledger/orderer-bft';

/** File name of an organisation's CA certificate (`ca.<domain>-cert.pem`). */
export function caFileName(domain: string): string {
  return `ca.${domain}-cert.pem`;
}

/** Writes one MSP directory (orderer-bft's cryptogen-style writer) with the organisation's CA file name. */
export function writeMspDir(dir: string, domain: string, caCertPem: string, identity?: EnrolledIdentity): Promise<void> {
  return writeMsp(dir, caFileName(domain), caCertPem, identity);
}

/** Writes the CA's certificate and key under `<orgDir>/ca` (key 0600). */
export async function writeCaDir(orgDir: string, domain: string, ca: KeyPairPem): Promise<void> {
  const dir = join(orgDir, 'ca');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, caFileName(domain)), ca.certPem);
  await writeFile(join(dir, 'priv_sk'), ca.privateKeyPem, { mode: 0o600 });
}
