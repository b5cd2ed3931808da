import { StagedError } from '@speedledger/orderer-bft';

/** Stable codes of every error the network package raises. */
export const NETWORK_ERROR_CODES = [
  'INVALID_OPTIONS', 'MATERIAL_FAILED', 'MANIFEST_MISSING', 'MANIFEST_INVALID', 'UNKNOWN_MEMBER', 'UNKNOWN_ORG', 'UNKNOWN_IDENTITY',
  'PROCESS_FAILED', 'NOT_HEALTHY', 'PACKAGE_MISSING', 'DEPLOY_FAILED', 'GATEWAY_FAILED', 'FLEET_INVALID',
  'PORTS_BUSY', 'NOT_OURS', 'OPTION_NOT_APPLICABLE', 'PURGE_REFUSED', 'PACKAGE_INVALID', 'PROPAGATION_TIMEOUT',
] as const;

/** One of {@link NETWORK_ERROR_CODES}. */
export type NetworkErrorCode = (typeof NETWORK_ERROR_CODES)[number];

/** A typed failure of the network tooling, with the ids (data dir, member, org) that locate it. */
export class NetworkError extends StagedError<NetworkErrorCode> {
  constructor(code: NetworkErrorCode, message: string, ids: Record<string, number | string> = {}, cause?: unknown) {
    super('NetworkError', code, message, ids, cause);
  }
}
