import type { ledger, validation } from '@speedledger/peer';
import type { EndorserTransaction } from './endorser-transaction.js';

/** What re-running one transaction produced. */
export type Reexecution =
  | { readonly ok: true; /** The recomputed `rwset.TxReadWriteSet` bytes. */ readonly results: Uint8Array }
  | { readonly ok: false; readonly status: number; readonly message: string };

/**
 * The approved chaincode package, loaded from the file the auditor supplied (never from this
 * repository's sources): re-runs a transaction over the state as of its block.
 */
export interface PackageExecutor {
  /** Hex SHA-256 of the package file: what a committed chaincode definition names. */
  readonly packageSha256: string;
  readonly label: string;
  /** How the package is driven: fabric-shim's dispatch directly, or over its message protocol. */
  readonly mode: 'direct' | 'shim';
  execute(tx: EndorserTransaction, state: ledger.StateReader & ledger.HistoryReader): Promise<Reexecution>;
  /**
   * Present on an executor that keeps its own replica of the rebuilt state (worker threads):
   * the auditor hands it every transaction it applies, in ledger order, and `execute` then runs
   * over the replica as of the transactions followed before the call (its `state` argument is
   * not read). Such an executor lets the auditor go on to later blocks while a block re-executes.
   */
  follow?(tx: AppliedTransaction, blockNum: number, txNum: number): void;
  close(): void;
}

/** A VALID transaction's writes as the rebuilt state applies them (see `AuditState.apply`). */
export type AppliedTransaction = Pick<validation.ValidatedTransaction, 'txId' | 'timestamp' | 'writes'>;
