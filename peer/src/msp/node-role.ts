import type { X509Certificate } from 'node:crypto';
import type { NodeRole } from './identity.js';

const ROLES: ReadonlySet<string> = new Set<NodeRole>(['admin', 'peer', 'client', 'orderer']);

/**
 * The NodeOU role a certificate's subject carries in an `OU` attribute, as cryptogen and
 * `generateOrganization` issue them (`OU=peer`, ...); undefined when no OU names a role.
 * Fabric's NodeOUs classify by the OU value alone, case-sensitively, so do we.
 */
export function nodeRoleOf(certificate: X509Certificate): NodeRole | undefined {
  // Node renders the subject one attribute per line ("CN=...\nOU=peer\nO=..."); an OU value
  // containing a newline is escaped, so splitting cannot invent an attribute.
  for (const line of certificate.subject.split('\n')) {
    if (!line.startsWith('OU=')) continue;
    const value = line.slice(3);
    if (ROLES.has(value)) return value as NodeRole;
  }
  return undefined;
}
