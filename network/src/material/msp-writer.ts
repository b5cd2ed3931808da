import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EnrolledIdentity, KeyPairPem } from '@speedledger/orderer-bft';

/** NodeOUs `config.yaml` as cryptogen writes it, pointing at the organisation's CA file. */
export function nodeOuConfigYaml(caFile: string): string {
  const ou = (kind: string, name: string): string =>
    `  ${kind}OUIdentifier:\n    Certificate: cacerts/${caFile}\n    OrganizationalUnitIdentifier: ${name}\n`;
  return `NodeOUs:\n  Enable: true\n${ou('Client', 'client')}${ou('Peer', 'peer')}${ou('Admin', 'admin')}${ou('Orderer', 'orderer')}`;
}

/** File name of an organisation's CA certificate (`ca.<domain>-cert.pem`). */
export function caFileName(domain: string): string {
  return `ca.${domain}-cert.pem`;
}

/**
 * Writes one MSP directory: `cacerts/`, NodeOUs `config.yaml` and, for an identity,
 * `signcerts/<name>-cert.pem` and `keystore/priv_sk` (mode 0600, directory 0700).
 */
export async function writeMspDir(dir: string, domain: string, caCertPem: string, identity?: EnrolledIdentity): Promise<void> {
  const caFile = caFileName(domain);
  await mkdir(join(dir, 'cacerts'), { recursive: true });
  await writeFile(join(dir, 'cacerts', caFile), caCertPem);
  await writeFile(join(dir, 'config.yaml'), nodeOuConfigYaml(caFile));
  if (identity === undefined) return;
  await mkdir(join(dir, 'signcerts'), { recursive: true });
  await mkdir(join(dir, 'keystore'), { recursive: true, mode: 0o700 });
  await writeFile(join(dir, 'signcerts', `${identity.name}-cert.pem`), identity.certPem);
  const keyFile = join(dir, 'keystore', 'priv_sk');
  await writeFile(keyFile, identity.privateKeyPem, { mode: 0o600 });
  await chmod(keyFile, 0o600);
}

/** Writes the CA's certificate and key under `<orgDir>/ca` (key 0600). */
export async function writeCaDir(orgDir: string, domain: string, ca: KeyPairPem): Promise<void> {
  const dir = join(orgDir, 'ca');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, caFileName(domain)), ca.certPem);
  await writeFile(join(dir, 'priv_sk'), ca.privateKeyPem, { mode: 0o600 });
}
