import { createHash, X509Certificate } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManifestProcess } from '../manifest/network-manifest.js';
import { httpGet } from './http-probe.js';

/** Who a member must say it is on `GET /status` for its answers to count as this network's. */
export interface ExpectedIdentity {
  readonly name: string;
  readonly kind: 'orderer' | 'peer';
  readonly mspId: string;
  readonly channel: string;
  /** Lower-case hex SHA-256 of the DER of the member's own signing certificate (from its MSP directory). */
  readonly certSha256: string;
}

/** What the operations port of a member answered about its identity. */
export type IdentityProbe =
  | { readonly kind: 'ours' }
  /** Something answers there, but not the member the manifest names (another network, an old build...). */
  | { readonly kind: 'not-ours'; readonly why: string }
  | { readonly kind: 'silent'; readonly why: string };

/** Hex SHA-256 of a PEM certificate's DER (what peers and orderers report as `certSha256`). */
export function certificateSha256(certPem: string): string {
  return createHash('sha256').update(new X509Certificate(certPem).raw).digest('hex');
}

/** The identity the manifest expects of a member: its name, MSP id, channel and the fingerprint of `mspDir/signcerts/*`. */
export async function expectedIdentity(member: ManifestProcess, channel: string): Promise<ExpectedIdentity> {
  const signcerts = join(member.mspDir, 'signcerts');
  const [first] = (await readdir(signcerts)).filter((n) => !n.startsWith('.')).sort();
  if (first === undefined) throw new Error(`${signcerts} holds no certificate`);
  return { name: member.name, kind: member.kind, mspId: member.mspId, channel, certSha256: certificateSha256(await readFile(join(signcerts, first), 'utf8')) };
}

function short(hex: unknown): string {
  return typeof hex === 'string' ? `${hex.slice(0, 12)}…` : 'none';
}

/**
 * Why a `/status` document is not the expected member's, or undefined when it is: the certificate
 * fingerprint must match (another network of the same layout has the same names and MSP ids, never
 * the same keys), and peers must also report the expected name and MSP id. Pure.
 */
export function identityMismatch(expected: ExpectedIdentity, reported: unknown): string | undefined {
  if (reported === null || typeof reported !== 'object') return '/status is not a JSON object';
  const doc = reported as Record<string, unknown>;
  if (expected.kind === 'peer' && (doc.name !== expected.name || doc.mspId !== expected.mspId)) {
    return `answers as ${String(doc.name ?? '?')} (${String(doc.mspId ?? '?')})`;
  }
  if (doc.channel !== expected.channel) return `serves channel ${String(doc.channel ?? '?')}, not ${expected.channel}`;
  if (doc.certSha256 !== expected.certSha256) return `certificate ${short(doc.certSha256)} is not this network's ${short(expected.certSha256)}`;
  return undefined;
}

/** Asks the member's operations endpoint who it is (peer and orderer both serve `GET /status`). */
export async function probeIdentity(member: ManifestProcess, expected: ExpectedIdentity): Promise<IdentityProbe> {
  let answer;
  try {
    answer = await httpGet(member.operations, '/status');
  } catch (error) {
    return { kind: 'silent', why: (error as Error).message };
  }
  if (answer.status !== 200) return { kind: 'not-ours', why: `/status answered ${answer.status}` };
  let doc: unknown;
  try {
    doc = JSON.parse(answer.body);
  } catch {
    return { kind: 'not-ours', why: '/status is not JSON' };
  }
  const why = identityMismatch(expected, doc);
  return why === undefined ? { kind: 'ours' } : { kind: 'not-ours', why };
}
