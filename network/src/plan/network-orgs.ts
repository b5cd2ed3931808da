/** One organisation of the embedded network. */
export interface NetworkOrg {
  /** Directory name under `organizations/` and the `--org` option value. */
  readonly dir: string;
  readonly mspId: string;
  /**
   * MSP id of the organisation's orderers. The genesis block needs orderer organisations with
   * MSP ids distinct from the application ones, so each organisation's orderers form their own
   * MSP (`<Name>OrdererMSP`) rooted in the same CA.
   */
  readonly ordererMspId: string;
  readonly domain: string;
  /** Notified bodies get a `Registrar@` client with `speedledger.role=registrar`. */
  readonly notifiedBody: boolean;
  readonly description: string;
}

function org(dir: string, name: string, notifiedBody: boolean, description: string): NetworkOrg {
  return { dir, mspId: `${name}MSP`, ordererMspId: `${name}OrdererMSP`, domain: `${dir}.speedledger.local`, notifiedBody, description };
}

/** The four organisations, in slot order (slot k owns orderer k and peer k). */
export const NETWORK_ORGS: readonly NetworkOrg[] = [
  org('inmetro', 'Inmetro', true, 'notified body'),
  org('ptb', 'PTB', true, 'metrology institute, notified body'),
  org('lasige', 'LaSIGE', false, 'computing-service provider'),
  org('cityoperator', 'CityOperator', false, 'city traffic operator'),
];

/** The channel every member joins. */
export const CHANNEL_ID = 'speedledger';
/** The chaincode `speedledger up` deploys. */
export const CHAINCODE_NAME = 'lr-chaincode';
/** Its endorsement policy (two of the three technical organisations' peers). */
export const CHAINCODE_ENDORSEMENT_POLICY = "OutOf(2, 'InmetroMSP.peer', 'PTBMSP.peer', 'LaSIGEMSP.peer')";
/**
 * The lifecycle approval rule the peers evaluate over approving organisations: Inmetro's
 * approval and a majority (3 of 4) of all organisations.
 */
export const LIFECYCLE_APPROVAL_POLICY = "AND('InmetroMSP.member', OutOf(3, 'InmetroMSP.member', 'PTBMSP.member', 'LaSIGEMSP.member', 'CityOperatorMSP.member'))";
/** `GovernanceContract:Init` argument: the notified bodies and their registration quorum. */
export const GOVERNANCE = { notifiedBodies: ['InmetroMSP', 'PTBMSP'], registrationQuorum: 2 } as const;

/** Finds an organisation by directory name or MSP id (case-insensitive); undefined if none. */
export function findOrg(nameOrMspId: string): NetworkOrg | undefined {
  const wanted = nameOrMspId.toLowerCase();
  return NETWORK_ORGS.find((o) => o.dir === wanted || o.mspId.toLowerCase() === wanted);
}
