import { X509Certificate } from 'node:crypto';
import type { OrganizationRoles } from './channel-roles.js';

/** An organisation allowed to submit transactions on a channel. */
export interface ChannelOrganization extends OrganizationRoles {
  readonly mspId: string;
  /** Root CA certificates (PEM). */
  readonly rootCertsPem: readonly string[];
}

/** What envelope validation needs to know about a channel (a `ChannelConfig` satisfies it). */
export interface ChannelMembers {
  readonly channelId: string;
  readonly organizations: readonly ChannelOrganization[];
}

const rootCache = new WeakMap<ChannelMembers, Map<string, X509Certificate[]>>();

/** Parsed root certificates per MSP id, cached per channel object; unparsable roots are skipped. */
export function rootsByMsp(channel: ChannelMembers): Map<string, X509Certificate[]> {
  let roots = rootCache.get(channel);
  if (roots === undefined) {
    roots = new Map();
    for (const org of channel.organizations) {
      const parsed: X509Certificate[] = [];
      for (const pem of org.rootCertsPem) {
        try {
          parsed.push(new X509Certificate(pem));
        } catch {
          // A broken root only shrinks what is trusted; readChannelConfig reports it at load time.
        }
      }
      roots.set(org.mspId, [...(roots.get(org.mspId) ?? []), ...parsed]);
    }
    rootCache.set(channel, roots);
  }
  return roots;
}
