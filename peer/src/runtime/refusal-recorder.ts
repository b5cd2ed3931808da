import type { common } from '@hyperledger/fabric-protos';
import type { Logger } from '@speedledger/orderer-bft/runtime';
import type { StoredPackage } from '../chaincode/index.js';
import type { StateReader } from '../ledger/world-state.js';
import { LIFECYCLE_NAMESPACE, refusalKey, type ChaincodeDefinition } from '../lifecycle/index.js';
import type { SigningIdentity } from '../msp/index.js';
import type { ProposalProcessor } from '../services/index.js';
import { buildOwnProposal, endorseOwnTransaction } from './own-transaction.js';

/** Options of {@link createRefusalRecorder}. */
export interface RefusalRecorderOptions {
  readonly channelId: string;
  /** The peer's name as recorded in the refusal key. */
  readonly peerName: string;
  readonly identity: SigningIdentity;
  readonly state: StateReader;
  /** The local endorser (its own organisation's peer is all `refusals/<msp>/…` needs). */
  endorser(): ProposalProcessor;
  /** Broadcasts the signed transaction to the orderers; rejects when none accepted it. */
  submit(envelope: common.Envelope): Promise<void>;
  readonly log: Logger;
}

/**
 * Records a package refusal on the ledger once per (chaincode, sequence): a `_lifecycle`
 * RecordPackageRefusal transaction created, endorsed and signed by the peer itself, then sent
 * to the orderers. A failed attempt is retried on the next refusal; one already in state is not
 * recorded again (e.g. after a restart). The returned promise settles when the attempt ends
 * (it never rejects: failures are logged), so callers may fire and forget.
 */
export function createRefusalRecorder(options: RefusalRecorderOptions): (definition: ChaincodeDefinition, actual: StoredPackage) => Promise<void> {
  const attempted = new Set<string>();
  return (definition, actual) => {
    const key = `${definition.name}@${definition.sequence}`;
    if (attempted.has(key)) return Promise.resolve();
    attempted.add(key);
    return (async () => {
      const stateKey = refusalKey(options.identity.mspId, definition.name, definition.sequence, options.peerName);
      if ((await options.state.get(LIFECYCLE_NAMESPACE, stateKey)) !== undefined) return;
      const argument = {
        name: definition.name, sequence: definition.sequence, expectedSha256: definition.packageSha256, actualSha256: actual.sha256, peer: options.peerName,
      };
      const own = buildOwnProposal(options.channelId, LIFECYCLE_NAMESPACE, [
        new TextEncoder().encode('RecordPackageRefusal'), new TextEncoder().encode(JSON.stringify(argument)),
      ], options.identity, new Date());
      const envelope = await endorseOwnTransaction(own, options.endorser(), options.identity);
      await options.submit(envelope);
      options.log.log('warn', 'package-refusal-submitted', { chaincode: definition.name, sequence: definition.sequence, actualSha256: actual.sha256, txId: own.txId });
    })().catch((error: unknown) => {
      attempted.delete(key);
      options.log.log('warn', 'package-refusal-not-recorded', { chaincode: definition.name, sequence: definition.sequence, error: (error as Error).message });
    });
  };
}
