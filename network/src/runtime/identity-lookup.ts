import { NetworkError } from '../errors/network-error.js';
import type { ManifestIdentity, ManifestOrg, ManifestProcess, NetworkManifest } from '../manifest/network-manifest.js';

/** An organisation of the manifest by directory name or MSP id (case-insensitive); UNKNOWN_ORG otherwise. */
export function resolveOrg(manifest: NetworkManifest, org: string): ManifestOrg {
  const wanted = org.toLowerCase();
  const found = manifest.orgs.find((o) => o.dir === wanted || o.mspId.toLowerCase() === wanted);
  if (found === undefined) {
    throw new NetworkError('UNKNOWN_ORG', `no organisation '${org}' (have ${manifest.orgs.map((o) => o.dir).join(', ')})`, { org });
  }
  return found;
}

/** An identity by user (`Admin`, `User1`, `Registrar`, or the full `Admin@domain`); UNKNOWN_IDENTITY otherwise. */
export function resolveIdentity(manifest: NetworkManifest, org: string, user: string): ManifestIdentity {
  const organisation = resolveOrg(manifest, org);
  const wanted = user.toLowerCase();
  const found = manifest.identities.find((i) => i.org === organisation.dir && (i.user.toLowerCase() === wanted || i.name.toLowerCase() === wanted));
  if (found === undefined) {
    const have = manifest.identities.filter((i) => i.org === organisation.dir).map((i) => i.user).join(', ');
    throw new NetworkError('UNKNOWN_IDENTITY', `organisation ${organisation.dir} has no user '${user}' (have ${have})`, { org, user });
  }
  return found;
}

/** A member process by name (full, or unique prefix such as `peer0.inmetro`); UNKNOWN_MEMBER otherwise. */
export function resolveMember(manifest: NetworkManifest, name: string): ManifestProcess {
  const exact = manifest.processes.find((p) => p.name === name);
  if (exact !== undefined) return exact;
  const matches = manifest.processes.filter((p) => p.name.startsWith(`${name}.`));
  if (matches.length === 1) return matches[0]!;
  throw new NetworkError('UNKNOWN_MEMBER', `no single member '${name}' (have ${manifest.processes.map((p) => p.name).join(', ')})`, { name });
}
