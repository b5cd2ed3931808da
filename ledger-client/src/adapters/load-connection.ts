import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { readMspIdentity } from '@speedledger/orderer-bft';
import { parseConnectionProfile, type ConnectionProfile } from '../connection-profile.js';
import { LedgerError } from '../errors/ledger-error.js';
import type { ConnectOptions } from '../ledger-client.js';

/** Signing material of the client identity. */
export interface ClientIdentity {
  readonly mspId: string;
  readonly certPem: string;
  readonly privateKeyPem: string;
}

async function inlineTls(raw: Record<string, unknown>, baseDir: string): Promise<void> {
  for (const section of ['peers', 'orderers']) {
    const entries = raw[section];
    if (typeof entries !== 'object' || entries === null) continue;
    for (const [name, entry] of Object.entries(entries as Record<string, Record<string, unknown>>)) {
      const tls = entry?.tlsCACerts as { pem?: unknown; path?: unknown } | undefined;
      if (!tls || typeof tls.pem === 'string' || typeof tls.path !== 'string') continue;
      const path = isAbsolute(tls.path) ? tls.path : resolve(baseDir, tls.path);
      try {
        entry.tlsCACerts = { pem: await readFile(path, 'utf8') };
      } catch (cause) {
        throw new LedgerError('INVALID_CONFIG', `connection profile: cannot read tlsCACerts of ${name} at ${path}`, { stage: 'connect', ids: { endpoint: name, path } }, cause);
      }
    }
  }
}

/**
 * Reads and validates a connection profile (a JSON file path or an already parsed object).
 * TLS CA files named by `tlsCACerts.path` are read now, relative to the profile's directory, so
 * both client libraries get inline PEM and neither depends on the working directory.
 */
export async function loadConnectionProfile(source: string | Record<string, unknown>): Promise<ConnectionProfile> {
  let raw: Record<string, unknown>;
  let baseDir = process.cwd();
  if (typeof source === 'string') {
    let text: string;
    try {
      text = await readFile(source, 'utf8');
    } catch (cause) {
      throw new LedgerError('INVALID_CONFIG', `cannot read connection profile ${source}`, { stage: 'connect', ids: { path: source } }, cause);
    }
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch (cause) {
      throw new LedgerError('INVALID_CONFIG', `connection profile ${source} is not JSON (YAML profiles: convert to JSON first)`, { stage: 'connect', ids: { path: source } }, cause);
    }
    baseDir = dirname(resolve(source));
  } else {
    raw = structuredClone(source);
  }
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) await inlineTls(raw, baseDir);
  return parseConnectionProfile(raw);
}

/**
 * Checks that the certificate and key parse and belong together, so a wrong key file fails at
 * connect with INVALID_CONFIG instead of as an opaque signature failure at the peer.
 */
export function checkedIdentity(identity: ClientIdentity): ClientIdentity {
  let certKey: string;
  let ownKey: string;
  try {
    certKey = new X509Certificate(identity.certPem).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  } catch (cause) {
    throw new LedgerError('INVALID_CONFIG', 'client certificate is not a PEM X.509 certificate', { stage: 'connect', ids: { mspId: identity.mspId } }, cause);
  }
  try {
    ownKey = createPublicKey(createPrivateKey(identity.privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString();
  } catch (cause) {
    throw new LedgerError('INVALID_CONFIG', 'client private key is not a PEM private key', { stage: 'connect', ids: { mspId: identity.mspId } }, cause);
  }
  if (certKey !== ownKey) throw new LedgerError('INVALID_CONFIG', 'client private key does not match the certificate', { stage: 'connect', ids: { mspId: identity.mspId } });
  return identity;
}

/** The client identity from inline PEM or from an MSP directory (`signcerts/`, `keystore/`). */
export async function loadClientIdentity(options: Pick<ConnectOptions, 'mspId' | 'certPem' | 'privateKeyPem' | 'mspDir'>): Promise<ClientIdentity> {
  if (typeof options.mspId !== 'string' || options.mspId.length === 0) {
    throw new LedgerError('INVALID_CONFIG', 'mspId is required', { stage: 'connect' });
  }
  if (options.certPem !== undefined && options.privateKeyPem !== undefined) {
    return checkedIdentity({ mspId: options.mspId, certPem: options.certPem, privateKeyPem: options.privateKeyPem });
  }
  if (options.mspDir === undefined) {
    throw new LedgerError('INVALID_CONFIG', 'give either certPem and privateKeyPem, or mspDir', { stage: 'connect', ids: { mspId: options.mspId } });
  }
  let identity: Awaited<ReturnType<typeof readMspIdentity>>;
  try {
    identity = await readMspIdentity(options.mspDir);
  } catch (cause) {
    throw new LedgerError('INVALID_CONFIG', `cannot read an identity from MSP directory ${options.mspDir}`, { stage: 'connect', ids: { mspId: options.mspId, mspDir: options.mspDir } }, cause);
  }
  return checkedIdentity({ mspId: options.mspId, certPem: identity.certPem, privateKeyPem: identity.privateKeyPem });
}
