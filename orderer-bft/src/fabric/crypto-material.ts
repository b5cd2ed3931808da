// @peculiar/x509 resolves its ASN.1 serialisers through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { FabricError } from './errors.js';

/** The node roles of Fabric's NodeOUs. */
export type NodeOu = 'orderer' | 'peer' | 'admin' | 'client';

/** A private key and certificate, both PEM (PKCS#8 key, as Fabric's `keystore/priv_sk`). */
export interface KeyPairPem {
  readonly certPem: string;
  readonly privateKeyPem: string;
}

/** An enrolled identity of an organisation. */
export interface EnrolledIdentity extends KeyPairPem {
  /** Common name, e.g. `orderer0.orderer.example.com`. */
  readonly name: string;
  readonly mspId: string;
  readonly ou: NodeOu;
}

/** Options for {@link Organization.enrol}. */
export interface EnrolOptions {
  readonly ou: NodeOu;
  /** Fabric CA-style attributes, carried in extension 1.2.3.4.5.6.7.8.1 as `{"attrs":{...}}`. */
  readonly attrs?: Readonly<Record<string, string>>;
  /** Start of validity (defaults to the organisation's `now`). */
  readonly now?: Date;
  readonly validityDays?: number;
}

/** An organisation's CA and the means to enrol identities under it (cryptogen-like). */
export interface Organization {
  readonly mspId: string;
  readonly domain: string;
  readonly ca: KeyPairPem;
  enrol(name: string, options: EnrolOptions): Promise<EnrolledIdentity>;
}

/** Options for {@link generateOrganization}. */
export interface OrganizationSpec {
  readonly mspId: string;
  /** DNS-like domain, e.g. `org1.example.com`; the CA is `ca.<domain>`. */
  readonly domain: string;
  /** Start of validity: injected, never read from the clock. */
  readonly now: Date;
  readonly validityDays?: number;
  readonly country?: string;
  readonly locality?: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const FABRIC_ATTRS_OID = '1.2.3.4.5.6.7.8.1';
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9.\-_@]{0,127}$/;
const DAY_MS = 86_400_000;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

function checkName(kind: string, value: string): void {
  if (!SAFE_NAME.test(value)) {
    throw new FabricError('INVALID_CRYPTO_REQUEST', `${kind} '${value}' must match ${SAFE_NAME.source}`, { [kind]: value });
  }
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return (await webcrypto.subtle.importKey('pkcs8', Buffer.from(body, 'base64'), ALGORITHM, true, ['sign'])) as CryptoKey;
}

/** A positive 128-bit serial number (RFC 5280 allows up to 20 octets). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f | 0x01;
  return bytes.toString('hex');
}

/**
 * Creates an organisation with a self-signed P-256 root CA, as Fabric's `cryptogen` does. Key
 * generation draws from the system CSPRNG (keys must be unpredictable); time is injected.
 */
export async function generateOrganization(spec: OrganizationSpec): Promise<Organization> {
  checkName('mspId', spec.mspId);
  checkName('domain', spec.domain);
  const keys = await generateKeys();
  const validityDays = spec.validityDays ?? 3650;
  const base = `O=${spec.domain}, L=${spec.locality ?? 'Utrecht'}, C=${spec.country ?? 'NL'}`;
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=ca.${spec.domain}, ${base}`,
    notBefore: spec.now,
    notAfter: new Date(spec.now.getTime() + validityDays * DAY_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const ca = { certPem: caCert.toString('pem'), privateKeyPem: await privateKeyPem(keys.privateKey) };
  return organizationFromCa({ mspId: spec.mspId, domain: spec.domain, ca, now: spec.now, base, caCert, caKey: keys.privateKey });
}

interface OrganizationParts {
  readonly mspId: string;
  readonly domain: string;
  readonly ca: KeyPairPem;
  readonly now: Date;
  readonly base: string;
  readonly caCert: x509.X509Certificate;
  readonly caKey: CryptoKey;
}

/**
 * The Authority Key Identifier of a certificate issued by `ca`: the CA's own Subject Key
 * Identifier, copied. Computing one from the CA's public key would match only a CA whose SKI was
 * derived the same way (ours: SHA-1 of the key bits); cryptogen's CAs use SHA-256 of the public
 * point, Fabric CA's are set by its config, and a verifier matches AKI to SKI byte for byte.
 * A CA without an SKI gets the computed identifier.
 */
async function authorityKeyIdentifier(ca: x509.X509Certificate): Promise<x509.AuthorityKeyIdentifierExtension> {
  const ski = ca.getExtension(x509.SubjectKeyIdentifierExtension);
  if (ski !== null) return new x509.AuthorityKeyIdentifierExtension(ski.keyId);
  return x509.AuthorityKeyIdentifierExtension.create(ca.publicKey);
}

function organizationFromCa(parts: OrganizationParts): Organization {
  return {
    mspId: parts.mspId,
    domain: parts.domain,
    ca: parts.ca,
    async enrol(name: string, options: EnrolOptions): Promise<EnrolledIdentity> {
      checkName('name', name);
      const keys = await generateKeys();
      const notBefore = options.now ?? parts.now;
      const extensions: x509.Extension[] = [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        await authorityKeyIdentifier(parts.caCert),
      ];
      if (options.attrs !== undefined) {
        const json = JSON.stringify({ attrs: options.attrs });
        extensions.push(new x509.Extension(FABRIC_ATTRS_OID, false, new TextEncoder().encode(json)));
      }
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serialNumber(),
        subject: `CN=${name}, OU=${options.ou}, ${parts.base}`,
        issuer: parts.caCert.subject,
        notBefore,
        notAfter: new Date(notBefore.getTime() + (options.validityDays ?? 365) * DAY_MS),
        publicKey: keys.publicKey,
        signingKey: parts.caKey,
        signingAlgorithm: ALGORITHM,
        extensions,
      });
      return { name, mspId: parts.mspId, ou: options.ou, certPem: cert.toString('pem'), privateKeyPem: await privateKeyPem(keys.privateKey) };
    },
  };
}

/** Re-opens an organisation from its stored CA key and certificate, to enrol more identities. */
export async function loadOrganization(mspId: string, domain: string, ca: KeyPairPem, now: Date): Promise<Organization> {
  checkName('mspId', mspId);
  checkName('domain', domain);
  try {
    const caCert = new x509.X509Certificate(ca.certPem);
    const caKey = await importPrivateKey(ca.privateKeyPem);
    const base = caCert.subject.split(', ').filter((part) => !part.startsWith('CN=')).join(', ');
    return organizationFromCa({ mspId, domain, ca, now, base, caCert, caKey });
  } catch (cause) {
    throw new FabricError('INVALID_CRYPTO_REQUEST', `CA material of ${mspId} is unusable`, { mspId }, cause);
  }
}
