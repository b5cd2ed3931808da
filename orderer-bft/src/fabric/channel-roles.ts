/**
 * Fabric's channel Readers/Writers checks for the orderer's Broadcast and Deliver, for the
 * policies configtxgen writes per organisation: a signature policy "OR('<msp>.<role>', …)". An
 * identity's role comes from its certificate's OUs as the MSP's NodeOUs define them (admin also
 * by the MSP's admin-certificate list), as Fabric's X.509 MSP decides. Issue 17: a member-CA
 * certificate with no recognised role was served blocks by Deliver.
 */
import { X509Certificate } from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';
import type { PolicyRole } from './config-values.js';
import { parseLenient } from './proto-parse.js';

/** OU identifiers the MSP maps to roles (undefined roles are unmapped); absent when NodeOUs are off. */
export interface NodeOuIdentifiers {
  readonly client?: string;
  readonly peer?: string;
  readonly admin?: string;
  readonly orderer?: string;
}

/** What an organisation's policy checks need, read from its config group. */
export interface OrganizationRoles {
  readonly nodeOus?: NodeOuIdentifiers;
  /** Roles that satisfy the organisation's Readers policy; undefined = a shape not recognised (membership suffices). */
  readonly readerRoles?: readonly PolicyRole[];
  readonly writerRoles?: readonly PolicyRole[];
}

const ROLE_NAMES: Record<number, PolicyRole> = { 0: 'member', 1: 'admin', 2: 'client', 3: 'peer', 4: 'orderer' };

/**
 * The roles of a policy of the form "1 out of (role principals of `mspId`)", or undefined for
 * any other shape (ImplicitMeta, thresholds above one, identity or OU principals).
 */
export function rolesOfPolicy(policy: common.ConfigPolicy | undefined, mspId: string): readonly PolicyRole[] | undefined {
  const inner = policy?.getPolicy();
  if (inner === undefined || inner.getType() !== common.Policy.PolicyType.SIGNATURE) return undefined;
  const envelope = parseLenient(common.SignaturePolicyEnvelope, inner.getValue_asU8());
  const rule = envelope?.getRule()?.getNOutOf();
  if (envelope === undefined || rule === undefined || rule.getN() !== 1) return undefined;
  const roles: PolicyRole[] = [];
  for (const signedBy of rule.getRulesList()) {
    if (!signedBy.hasSignedBy()) return undefined;
    const principal = envelope.getIdentitiesList()[signedBy.getSignedBy()];
    if (principal?.getPrincipalClassification() !== msp.MSPPrincipal.Classification.ROLE) return undefined;
    const role = parseLenient(msp.MSPRole, principal.getPrincipal_asU8());
    const name = role === undefined ? undefined : ROLE_NAMES[role.getRole()];
    if (role === undefined || name === undefined || role.getMspIdentifier() !== mspId) return undefined;
    roles.push(name);
  }
  return roles;
}

/** The NodeOU identifiers of an MSP config, or undefined when NodeOUs are not enabled. */
export function nodeOusOf(config: msp.FabricMSPConfig): NodeOuIdentifiers | undefined {
  const ous = config.getFabricNodeOus();
  if (ous === undefined || !ous.getEnable()) return undefined;
  const id = (identifier: msp.FabricOUIdentifier | undefined): string | undefined => {
    const name = identifier?.getOrganizationalUnitIdentifier();
    return name === undefined || name === '' ? undefined : name;
  };
  return {
    client: id(ous.getClientOuIdentifier()), peer: id(ous.getPeerOuIdentifier()),
    admin: id(ous.getAdminOuIdentifier()), orderer: id(ous.getOrdererOuIdentifier()),
  };
}

/** The NodeOU role of `certificate` (admin also by the admin list), or undefined when it has none. */
export function roleOf(certificate: X509Certificate, nodeOus: NodeOuIdentifiers | undefined, adminCertsPem: readonly string[] = []): PolicyRole | undefined {
  if (adminCertsPem.some((pem) => {
    try {
      return new X509Certificate(pem).raw.equals(certificate.raw);
    } catch {
      return false;
    }
  })) return 'admin';
  if (nodeOus === undefined) return undefined;
  const ous = certificate.subject.split('\n').filter((line) => line.startsWith('OU=')).map((line) => line.slice(3));
  // Fabric lets a certificate carry exactly one of the NodeOU identifiers.
  const matches = (['client', 'peer', 'admin', 'orderer'] as const).filter((role) => nodeOus[role] !== undefined && ous.includes(nodeOus[role]!));
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * Why `certificate` does not satisfy the organisation's `which` policy, or undefined if it does.
 * Without NodeOUs, "member" is the only role an identity has (Fabric's rule for such MSPs).
 */
export function rolePolicyProblem(
  certificate: X509Certificate, org: OrganizationRoles & { readonly mspId: string; readonly adminCertsPem?: readonly string[] }, which: 'Readers' | 'Writers',
): string | undefined {
  const wanted = which === 'Readers' ? org.readerRoles : org.writerRoles;
  if (wanted === undefined || wanted.includes('member')) return undefined;
  const role = roleOf(certificate, org.nodeOus, org.adminCertsPem);
  if (role !== undefined && wanted.includes(role)) return undefined;
  return `creator of ${org.mspId} has ${role === undefined ? 'no recognised role' : `role ${role}`}; the ${which} policy needs ${wanted.join(' or ')}`;
}
