/**
 * A committed chaincode definition, as the `_lifecycle` namespace records it. Peers run a
 * package only if its SHA-256 equals `packageSha256`.
 */
export interface ChaincodeDefinition {
  readonly name: string;
  readonly version: string;
  /** Starts at 1, +1 per committed change. */
  readonly sequence: number;
  /** Lower-case hex SHA-256 of the chaincode package file (tar.gz) bytes. */
  readonly packageSha256: string;
  /** The endorsement policy as written by its author, e.g. `OutOf(2, 'InmetroMSP.peer', ...)`. */
  readonly endorsementPolicy: string;
  /** The same policy as `peer.ApplicationPolicy` bytes (what validation evaluates). */
  readonly applicationPolicy: Uint8Array;
}
