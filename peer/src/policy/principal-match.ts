import { msp } from '@hyperledger/fabric-protos';
import type { Identity, NodeRole } from '../msp/index.js';
import { decodeBounded } from '@speedledger/orderer-bft';

const ROLE_OF: Record<number, NodeRole | 'member'> = {
  [msp.MSPRole.MSPRoleType.MEMBER]: 'member',
  [msp.MSPRole.MSPRoleType.ADMIN]: 'admin',
  [msp.MSPRole.MSPRoleType.CLIENT]: 'client',
  [msp.MSPRole.MSPRoleType.PEER]: 'peer',
  [msp.MSPRole.MSPRoleType.ORDERER]: 'orderer',
};

const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

function organizationalUnits(identity: Identity): string[] {
  return identity.certificate.subject.split('\n').filter((line) => line.startsWith('OU=')).map((line) => line.slice(3));
}

/**
 * Whether an (already deserialised, hence chained) identity satisfies an `msp.MSPPrincipal`, as
 * Fabric's X.509 MSP with NodeOUs decides: ROLE `member` = any identity of the MSP, the other
 * roles = the identity's NodeOU role; IDENTITY = the same MSP id and certificate bytes;
 * ORGANIZATION_UNIT = the MSP and an OU of the subject. Anonymity and combined principals (Idemix)
 * are never satisfied. Malformed principals are never satisfied.
 */
export function satisfiesPrincipal(identity: Identity, principal: msp.MSPPrincipal): boolean {
  try {
    switch (principal.getPrincipalClassification()) {
      case msp.MSPPrincipal.Classification.ROLE: {
        const role = decodeBounded(msp.MSPRole, principal.getPrincipal_asU8());
        if (role.getMspIdentifier() !== identity.mspId) return false;
        const wanted = ROLE_OF[role.getRole()];
        return wanted === 'member' || (wanted !== undefined && wanted === identity.role);
      }
      case msp.MSPPrincipal.Classification.IDENTITY: {
        const other = decodeBounded(msp.SerializedIdentity, principal.getPrincipal_asU8());
        return other.getMspid() === identity.mspId && bytesEqual(other.getIdBytes_asU8(), identity.idBytes);
      }
      case msp.MSPPrincipal.Classification.ORGANIZATION_UNIT: {
        const unit = decodeBounded(msp.OrganizationUnit, principal.getPrincipal_asU8());
        return unit.getMspIdentifier() === identity.mspId && organizationalUnits(identity).includes(unit.getOrganizationalUnitIdentifier());
      }
      default:
        return false;
    }
  } catch {
    return false;
  }
}
