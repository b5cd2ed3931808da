import { LedgerError } from './errors/ledger-error.js';

/** TLS trust roots of an endpoint in a connection profile (inline PEM or a file path). */
export interface TlsCaCerts {
  readonly pem?: string;
  readonly path?: string;
}

/** A peer or orderer entry of a Fabric common connection profile. */
export interface ProfileEndpoint {
  /** `grpc://host:port` (plaintext) or `grpcs://host:port` (TLS). */
  readonly url: string;
  readonly tlsCACerts?: TlsCaCerts;
  readonly grpcOptions?: Readonly<Record<string, unknown>>;
  readonly mspid?: string;
}

/** An organisation entry of a connection profile. */
export interface ProfileOrganization {
  readonly mspid: string;
  readonly peers: readonly string[];
  readonly certificateAuthorities?: readonly string[];
}

/**
 * The subset of Fabric's common connection profile (JSON form) both client libraries use. The
 * original object is kept in `raw` so fabric-network receives every field it knows.
 */
export interface ConnectionProfile {
  readonly name: string;
  readonly clientOrganization: string | undefined;
  readonly organizations: Readonly<Record<string, ProfileOrganization>>;
  readonly peers: Readonly<Record<string, ProfileEndpoint>>;
  readonly orderers: Readonly<Record<string, ProfileEndpoint>>;
  readonly channels: Readonly<Record<string, { readonly peers: readonly string[]; readonly orderers: readonly string[] }>>;
  readonly raw: Readonly<Record<string, unknown>>;
}

/** A resolved gRPC endpoint. */
export interface GrpcEndpoint {
  readonly name: string;
  /** `host:port`. */
  readonly address: string;
  readonly tls: boolean;
  readonly tlsRootCertPem: string | undefined;
  /** `ssl-target-name-override` / `grpc.ssl_target_name_override` when given. */
  readonly serverNameOverride: string | undefined;
}

function invalid(message: string, ids: Record<string, string> = {}): LedgerError {
  return new LedgerError('INVALID_CONFIG', `connection profile: ${message}`, { stage: 'connect', ids });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return [...value];
  // Channel peers are an object keyed by peer name (with role flags) in the standard format.
  if (isRecord(value)) return Object.keys(value);
  throw invalid(`${where} must be a list of names`);
}

function parseEndpoint(name: string, value: unknown, kind: string): ProfileEndpoint {
  if (!isRecord(value)) throw invalid(`${kind} ${name} must be an object`, { [kind]: name });
  const url = value.url;
  if (typeof url !== 'string' || !/^grpcs?:\/\/[^/\s]+:[0-9]{1,5}$/.test(url)) {
    throw invalid(`${kind} ${name} needs url grpc://host:port or grpcs://host:port, got ${JSON.stringify(url)}`, { [kind]: name });
  }
  const tls = value.tlsCACerts;
  if (tls !== undefined && (!isRecord(tls) || (typeof tls.pem !== 'string' && typeof tls.path !== 'string'))) {
    throw invalid(`${kind} ${name} tlsCACerts needs pem or path`, { [kind]: name });
  }
  if (value.grpcOptions !== undefined && !isRecord(value.grpcOptions)) throw invalid(`${kind} ${name} grpcOptions must be an object`, { [kind]: name });
  return {
    url,
    ...(tls ? { tlsCACerts: tls as TlsCaCerts } : {}),
    ...(value.grpcOptions ? { grpcOptions: value.grpcOptions as Record<string, unknown> } : {}),
    ...(typeof value.mspid === 'string' ? { mspid: value.mspid } : {}),
  };
}

function parseEndpoints(value: unknown, kind: string): Record<string, ProfileEndpoint> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw invalid(`${kind}s must be an object keyed by name`);
  return Object.fromEntries(Object.entries(value).map(([name, entry]) => [name, parseEndpoint(name, entry, kind)]));
}

/**
 * Validates a Fabric common connection profile (already parsed from JSON). Checks what the
 * clients rely on: every organisation has an `mspid`, every peer/orderer a grpc(s) URL, and every
 * peer/orderer named by an organisation or channel exists. Pure.
 */
export function parseConnectionProfile(value: unknown): ConnectionProfile {
  if (!isRecord(value)) throw invalid('must be a JSON object');
  const peers = parseEndpoints(value.peers, 'peer');
  const orderers = parseEndpoints(value.orderers, 'orderer');
  if (!isRecord(value.organizations) || Object.keys(value.organizations).length === 0) throw invalid('needs at least one organization');
  const organizations: Record<string, ProfileOrganization> = {};
  for (const [name, entry] of Object.entries(value.organizations)) {
    if (!isRecord(entry) || typeof entry.mspid !== 'string' || entry.mspid.length === 0) throw invalid(`organization ${name} needs an mspid`, { organization: name });
    const orgPeers = stringList(entry.peers, `organization ${name} peers`);
    for (const peerName of orgPeers) if (!(peerName in peers)) throw invalid(`organization ${name} names unknown peer ${peerName}`, { organization: name, peer: peerName });
    organizations[name] = { mspid: entry.mspid, peers: orgPeers, ...(Array.isArray(entry.certificateAuthorities) ? { certificateAuthorities: entry.certificateAuthorities as string[] } : {}) };
  }
  const channels: Record<string, { peers: string[]; orderers: string[] }> = {};
  if (value.channels !== undefined) {
    if (!isRecord(value.channels)) throw invalid('channels must be an object keyed by channel name');
    for (const [name, entry] of Object.entries(value.channels)) {
      if (!isRecord(entry)) throw invalid(`channel ${name} must be an object`, { channel: name });
      const channelPeers = stringList(entry.peers, `channel ${name} peers`);
      const channelOrderers = stringList(entry.orderers, `channel ${name} orderers`);
      for (const p of channelPeers) if (!(p in peers)) throw invalid(`channel ${name} names unknown peer ${p}`, { channel: name, peer: p });
      for (const o of channelOrderers) if (!(o in orderers)) throw invalid(`channel ${name} names unknown orderer ${o}`, { channel: name, orderer: o });
      channels[name] = { peers: channelPeers, orderers: channelOrderers };
    }
  }
  const client = isRecord(value.client) && typeof value.client.organization === 'string' ? value.client.organization : undefined;
  return { name: typeof value.name === 'string' ? value.name : 'unnamed', clientOrganization: client, organizations, peers, orderers, channels, raw: value };
}

/** The organisation of an MSP id in the profile, or INVALID_CONFIG. */
export function organizationOf(profile: ConnectionProfile, mspId: string): [string, ProfileOrganization] {
  const found = Object.entries(profile.organizations).find(([, org]) => org.mspid === mspId);
  if (!found) throw invalid(`no organization with mspid ${mspId} (has ${Object.values(profile.organizations).map((o) => o.mspid).join(', ')})`, { mspId });
  return found;
}

/**
 * The peer a client of `mspId` talks to: `peerName` when given, else the organisation's first
 * peer (a gateway client talks to its own organisation's peer, which endorses on its behalf).
 */
export function selectPeer(profile: ConnectionProfile, mspId: string, peerName?: string): GrpcEndpoint {
  if (peerName !== undefined) {
    const endpoint = profile.peers[peerName];
    if (!endpoint) throw invalid(`no peer named ${peerName}`, { peer: peerName });
    return toGrpcEndpoint(peerName, endpoint);
  }
  const [orgName, org] = organizationOf(profile, mspId);
  const first = org.peers[0];
  if (first === undefined) throw invalid(`organization ${orgName} lists no peers`, { organization: orgName });
  return toGrpcEndpoint(first, profile.peers[first]!);
}

/** Address, TLS and name override of a profile endpoint (tlsCACerts must be inline by now). */
export function toGrpcEndpoint(name: string, endpoint: ProfileEndpoint): GrpcEndpoint {
  const tls = endpoint.url.startsWith('grpcs://');
  const override = endpoint.grpcOptions?.['ssl-target-name-override'] ?? endpoint.grpcOptions?.['grpc.ssl_target_name_override'];
  if (tls && endpoint.tlsCACerts?.pem === undefined) throw invalid(`peer ${name} uses grpcs:// but has no tlsCACerts pem`, { peer: name });
  return {
    name,
    address: endpoint.url.replace(/^grpcs?:\/\//, ''),
    tls,
    tlsRootCertPem: tls ? endpoint.tlsCACerts?.pem : undefined,
    serverNameOverride: typeof override === 'string' ? override : undefined,
  };
}

/**
 * The profile as fabric-network 2.2 needs it without discovery: a `channels.<channel>` entry
 * listing peers and orderers (synthesised from all of the profile's when absent — a plain
 * gateway profile has none) and a `peers` list on every organisation.
 */
export function withStaticChannel(profile: ConnectionProfile, channel: string): Record<string, unknown> {
  const raw = structuredClone(profile.raw) as Record<string, unknown>;
  const organizations = raw.organizations as Record<string, Record<string, unknown>>;
  for (const [name, org] of Object.entries(profile.organizations)) organizations[name] = { ...organizations[name], peers: [...org.peers] };
  const peers = raw.peers as Record<string, Record<string, unknown>>;
  const orderers = (raw.orderers ?? {}) as Record<string, Record<string, unknown>>;
  for (const entry of [...Object.values(peers), ...Object.values(orderers)]) {
    const tls = entry.tlsCACerts as TlsCaCerts | undefined;
    if (tls?.pem !== undefined) entry.tlsCACerts = { pem: tls.pem };
  }
  const channels = (raw.channels ?? {}) as Record<string, unknown>;
  if (!(channel in profile.channels)) {
    channels[channel] = {
      orderers: Object.keys(profile.orderers),
      peers: Object.fromEntries(Object.keys(profile.peers).map((name) => [name, { endorsingPeer: true, chaincodeQuery: true, ledgerQuery: true, eventSource: true }])),
    };
  }
  raw.channels = channels;
  return raw;
}
