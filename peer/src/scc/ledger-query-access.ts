import type { Identity } from '../msp/identity.js';

/**
 * Fabric's default ACL policy of every `qscc/*` resource and of `cscc/GetChannelConfig`. The
 * embedded channel config carries no ACL overrides, so it is the only one.
 */
export const LEDGER_QUERY_POLICY = '/Channel/Application/Readers';

/**
 * Whether `creator` may use the ACL resource (`qscc/GetChainInfo`, `cscc/GetChannelConfig`, …)
 * on this channel: undefined when admitted, else why not (shown inside Fabric's
 * `access denied for [fn][channel]` message).
 */
export type LedgerQueryAccess = (resource: string, creator: Identity) => string | undefined;

/** Names of the system chaincodes that check their own access and never touch state (Fabric's qscc and cscc). */
export const LEDGER_QUERY_CHAINCODES: ReadonlySet<string> = new Set(['qscc', 'cscc']);
