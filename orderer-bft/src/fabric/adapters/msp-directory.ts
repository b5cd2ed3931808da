import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EnrolledIdentity, KeyPairPem, NodeOu } from '../crypto-material.js';
import { FabricError } from '../errors.js';

/** Which side of the network an organisation is on (cryptogen's two trees). */
export type OrganizationKind = 'orderer' | 'peer';

/** An organisation's material to write. */
export interface OrganizationMaterial {
  readonly mspId: string;
  readonly domain: string;
  readonly kind: OrganizationKind;
  readonly ca: KeyPairPem;
  readonly identities: readonly EnrolledIdentity[];
}

/** An identity read back from an MSP directory. */
export interface MspIdentity {
  readonly certPem: string;
  readonly privateKeyPem: string;
  readonly caCertsPem: readonly string[];
}

const FOLDER: Record<NodeOu, string> = { orderer: 'orderers', peer: 'peers', admin: 'users', client: 'users' };

/** NodeOUs `config.yaml` as cryptogen writes it, pointing at the organisation's CA file. */
export function nodeOuConfig(caFile: string): string {
  const ou = (kind: string, name: string) =>
    `  ${kind}OUIdentifier:\n    Certificate: cacerts/${caFile}\n    OrganizationalUnitIdentifier: ${name}\n`;
  return `NodeOUs:\n  Enable: true\n${ou('Client', 'client')}${ou('Peer', 'peer')}${ou('Admin', 'admin')}${ou('Orderer', 'orderer')}`;
}

/**
 * Writes one MSP directory: `cacerts/<caFile>`, a NodeOUs `config.yaml` and, for an identity,
 * `signcerts/<name>-cert.pem` and `keystore/priv_sk` (mode 0600, directory 0700).
 */
export async function writeMsp(dir: string, caFile: string, caCertPem: string, identity?: EnrolledIdentity): Promise<void> {
  await mkdir(join(dir, 'cacerts'), { recursive: true });
  await writeFile(join(dir, 'cacerts', caFile), caCertPem);
  await writeFile(join(dir, 'config.yaml'), nodeOuConfig(caFile));
  if (identity === undefined) return;
  await mkdir(join(dir, 'signcerts'), { recursive: true });
  await mkdir(join(dir, 'keystore'), { recursive: true, mode: 0o700 });
  await writeFile(join(dir, 'signcerts', `${identity.name}-cert.pem`), identity.certPem);
  const keyFile = join(dir, 'keystore', 'priv_sk');
  await writeFile(keyFile, identity.privateKeyPem, { mode: 0o600 });
  await chmod(keyFile, 0o600);
}

/**
 * Writes an organisation in Fabric's `cryptogen` layout under `root`:
 * `organizations/<ordererOrganizations|peerOrganizations>/<domain>/{ca, msp, orderers|peers|users/<name>/msp}`,
 * each MSP with `cacerts`, `signcerts`, `keystore/priv_sk` (mode 0600) and a NodeOUs `config.yaml`.
 * Returns the organisation directory.
 */
export async function writeOrganization(root: string, material: OrganizationMaterial): Promise<string> {
  const orgDir = join(root, 'organizations', `${material.kind}Organizations`, material.domain);
  const caFile = `ca.${material.domain}-cert.pem`;
  await mkdir(join(orgDir, 'ca'), { recursive: true, mode: 0o700 });
  await writeFile(join(orgDir, 'ca', caFile), material.ca.certPem);
  await writeFile(join(orgDir, 'ca', 'priv_sk'), material.ca.privateKeyPem, { mode: 0o600 });
  await writeMsp(join(orgDir, 'msp'), caFile, material.ca.certPem);
  for (const identity of material.identities) {
    if (identity.mspId !== material.mspId) {
      throw new FabricError('INVALID_CRYPTO_REQUEST', `identity ${identity.name} belongs to ${identity.mspId}, not ${material.mspId}`, {
        name: identity.name, mspId: material.mspId,
      });
    }
    await writeMsp(join(orgDir, FOLDER[identity.ou], identity.name, 'msp'), caFile, material.ca.certPem, identity);
  }
  return orgDir;
}

/** Path of an identity's MSP directory inside an organisation directory. */
export function identityMspDir(orgDir: string, name: string, ou: NodeOu): string {
  return join(orgDir, FOLDER[ou], name, 'msp');
}

async function onlyPem(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((name) => !name.startsWith('.')).sort();
  return Promise.all(names.map((name) => readFile(join(dir, name), 'utf8')));
}

/** Reads an identity's certificate, key and CA certificates back from its MSP directory. */
export async function readMspIdentity(mspDir: string): Promise<MspIdentity> {
  try {
    const [certPem] = await onlyPem(join(mspDir, 'signcerts'));
    const [privateKeyPem] = await onlyPem(join(mspDir, 'keystore'));
    const caCertsPem = await onlyPem(join(mspDir, 'cacerts'));
    if (certPem === undefined || privateKeyPem === undefined || caCertsPem.length === 0) throw new Error('incomplete MSP directory');
    return { certPem, privateKeyPem, caCertsPem };
  } catch (cause) {
    throw new FabricError('INVALID_IDENTITY', `cannot read an MSP identity from ${mspDir}`, { mspDir }, cause);
  }
}
