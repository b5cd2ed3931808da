import { common, peer } from '@hyperledger/fabric-protos';
import type { ChaincodeContainer } from '../chaincode/chaincode-container.js';
import type { ChaincodeResponse, SystemChaincode } from '../chaincode/chaincode-response.js';
import type { HistoryReader, StateReader } from '../ledger/world-state.js';
import { decodeDefinition } from '../lifecycle/definition-codec.js';
import { definitionKey, LIFECYCLE_NAMESPACE } from '../lifecycle/lifecycle-keys.js';
import type { Identity, SigningIdentity } from '../msp/identity.js';
import { verifySignature } from '../msp/verify-signature.js';
import { createTxSimulator } from '../simulation/create-tx-simulator.js';
import { rejection, type EndorsementRejection } from './endorsement-rejection.js';
import { decodeProposal, expectedTxId, proposalHash, type ProposalParts } from './proposal-parts.js';

/** What `resolveChaincode` answers: a running container, or why the peer will not run the chaincode. */
export type ChaincodeResolution =
  | {
    readonly container: ChaincodeContainer;
    /** The committed definition's version (ChaincodeID.version). */
    readonly version?: string;
    /** The committed definition's sequence the container was resolved for; checked against the simulator's read of it. */
    readonly sequence?: number;
  }
  | { readonly refusal: { readonly code: string; readonly message: string } };

/** Dependencies of {@link createEndorser}. */
export interface EndorserOptions {
  readonly channelId: string;
  /** The peer's own identity: signs endorsements. */
  readonly signer: SigningIdentity;
  /** Creator bytes → identity chained to its organisation's CA, or why not. */
  readonly deserialize: (serialized: Uint8Array) => Identity | { readonly error: string; readonly code?: string };
  readonly state: StateReader;
  readonly history: HistoryReader;
  /** Whether a transaction with this id is already on the ledger. */
  readonly txIdCommitted: (txId: string) => boolean | Promise<boolean>;
  /** Built-in chaincodes (e.g. `_lifecycle`), dispatched by name before user chaincode. */
  readonly systemChaincodes: readonly SystemChaincode[];
  /** The running container of a committed chaincode definition, or a refusal (not defined, fingerprint mismatch…). */
  readonly resolveChaincode: (name: string) => Promise<ChaincodeResolution>;
  /** TEST ONLY (fraud scenario): rewrites the simulated read/write set before it is signed. */
  readonly tamperResults?: (results: Uint8Array) => Uint8Array;
}

/** The `protos.Endorser` service's logic, without transport. */
export interface Endorser {
  /**
   * Checks, simulates and endorses a proposal as a Fabric peer does. Never rejects: every refusal
   * is a ProposalResponse with status 500 and a `[CODE] …` message; a chaincode error keeps the
   * chaincode's status (≥ 400) and message and carries no endorsement.
   */
  processProposal(signedProposal: InstanceType<typeof peer.SignedProposal>): Promise<InstanceType<typeof peer.ProposalResponse>>;
}

/** ChaincodeID.version Fabric reports for system chaincodes. */
const SYSTEM_CHAINCODE_VERSION = 'syscc';

function refused(r: EndorsementRejection): InstanceType<typeof peer.ProposalResponse> {
  const response = new peer.Response();
  response.setStatus(r.status);
  response.setMessage(r.message);
  const out = new peer.ProposalResponse();
  out.setVersion(1);
  out.setResponse(response);
  return out;
}

function isRejection(value: unknown): value is EndorsementRejection {
  return typeof value === 'object' && value !== null && 'code' in value && 'status' in value;
}

/** An endorser for one channel. */
export function createEndorser(options: EndorserOptions): Endorser {
  const systemChaincodes = new Map(options.systemChaincodes.map((s) => [s.name, s]));
  const inFlight = new Set<string>();

  const isChannelless = (parts: ProposalParts): boolean => parts.channelId === '' && systemChaincodes.get(parts.chaincodeName)?.ledgerQuery === true;

  const check = async (parts: ProposalParts): Promise<Identity | EndorsementRejection> => {
    if (parts.headerType !== common.HeaderType.ENDORSER_TRANSACTION) {
      return rejection('UNSUPPORTED_HEADER_TYPE', `header type ${parts.headerType} is not ENDORSER_TRANSACTION`);
    }
    const channelless = isChannelless(parts);
    if (!channelless && parts.channelId !== options.channelId) {
      return rejection('CHANNEL_MISMATCH', `proposal is for channel ${JSON.stringify(parts.channelId)}, this endorser serves ${options.channelId}`);
    }
    const creator = options.deserialize(parts.creator);
    if ('error' in creator) {
      // The MSP's code (NOT_VALID_NOW, ISSUED_OUTSIDE_CA_VALIDITY, …) travels in the text: clients map it.
      const why = creator.code === undefined ? '' : ` (${creator.code})`;
      return rejection('CREATOR_UNTRUSTED', `access denied: channel [${options.channelId}] creator is not trusted${why}: ${creator.error}`);
    }
    // Fabric checks a channel-less proposal against the peer's local MSP only.
    if (channelless && creator.mspId !== options.signer.mspId) {
      return rejection('CREATOR_UNTRUSTED', `access denied: a proposal without a channel must come from this peer's organisation ${options.signer.mspId}, not ${creator.mspId}`);
    }
    if (!verifySignature(creator, parts.proposalBytes, parts.signature)) {
      return rejection('BAD_SIGNATURE', `access denied: the signature of ${creator.mspId}'s creator over the proposal does not verify`);
    }
    const txId = expectedTxId(parts.nonce, parts.creator);
    if (parts.txId !== txId) return rejection('TXID_MISMATCH', `transaction id ${JSON.stringify(parts.txId)} is not SHA-256(nonce ‖ creator) = ${txId}`);
    // As Fabric: a channel-less proposal cannot become a transaction, so it has no uniqueness check.
    if (channelless) return creator;
    const duplicate = rejection('DUPLICATE_TXID', `duplicate transaction found [${txId}]`);
    if (inFlight.has(txId)) return duplicate;
    // Claimed before the await, so two concurrent copies of one proposal cannot both pass.
    inFlight.add(txId);
    let committed: boolean;
    try {
      committed = await options.txIdCommitted(txId);
    } catch (error) {
      inFlight.delete(txId);
      throw error;
    }
    if (committed) {
      inFlight.delete(txId);
      return duplicate;
    }
    return creator;
  };

  const simulate = async (parts: ProposalParts, creator: Identity) => {
    const simulator = createTxSimulator(parts.txId, options.state);
    const system = systemChaincodes.get(parts.chaincodeName);
    let response: ChaincodeResponse;
    let version: string;
    if (system !== undefined) {
      version = SYSTEM_CHAINCODE_VERSION;
      response = await system.invoke({ channelId: parts.channelId, txId: parts.txId, args: parts.args, creator, simulator, timestamp: parts.timestamp });
    } else {
      // As Fabric's endorser, the definition is read through the simulator: its version is in the
      // read set, so a transaction endorsed under a definition that is replaced before it commits
      // fails validation with MVCC_READ_CONFLICT and the client resubmits it under the new one.
      const definitionRead = await simulator.getState(LIFECYCLE_NAMESPACE, definitionKey(parts.chaincodeName));
      const resolved = await options.resolveChaincode(parts.chaincodeName);
      if ('refusal' in resolved) return rejection(resolved.refusal.code, resolved.refusal.message);
      if (resolved.sequence !== undefined) {
        const readSequence = definitionRead === undefined ? undefined : decodeDefinition(definitionRead).sequence;
        if (readSequence !== resolved.sequence) {
          // A definition committed between the two reads: transient, as Fabric's "definition changed during invoke".
          return rejection('CHAINCODE_DEFINITION_CHANGED', `the definition of ${parts.chaincodeName} changed during the proposal (sequence ${resolved.sequence} resolved, ${readSequence ?? 'none'} read); resubmit`);
        }
      }
      version = resolved.version ?? '';
      response = await resolved.container.execute({
        channelId: parts.channelId,
        txId: parts.txId,
        namespace: parts.chaincodeName,
        signedProposal: signedBytes(parts),
        args: parts.args,
        simulator,
        history: options.history,
      });
    }
    return { response, version, simulator };
  };

  const endorse = async (signed: InstanceType<typeof peer.SignedProposal>) => {
    const parts = decodeProposal(signed);
    if (isRejection(parts)) return refused(parts);
    const creator = await check(parts);
    if (isRejection(creator)) return refused(creator);
    try {
      let outcome: Awaited<ReturnType<typeof simulate>>;
      try {
        outcome = await simulate(parts, creator);
      } catch (error) {
        return refused(rejection('CHAINCODE_EXECUTION_FAILED', `chaincode ${parts.chaincodeName} failed: ${(error as Error).message}`));
      }
      if (isRejection(outcome)) return refused(outcome);
      const { response: result, version, simulator } = outcome;
      const response = new peer.Response();
      response.setStatus(result.status);
      response.setMessage(result.message);
      response.setPayload(result.payload);
      if (result.status < 200 || result.status >= 400) {
        // As Fabric: a failed chaincode response is returned unendorsed.
        if (result.status < 200) response.setStatus(500);
        const out = new peer.ProposalResponse();
        out.setVersion(1);
        out.setResponse(response);
        return out;
      }
      let results: Uint8Array;
      if (isChannelless(parts)) {
        // As Fabric: answered, but unendorsed — there is no channel to endorse for.
        const out = new peer.ProposalResponse();
        out.setResponse(response);
        return out;
      }
      try {
        await simulator.settle();
        // Ledger queries read the block store, not state: Fabric runs them without a simulator.
        results = systemChaincodes.get(parts.chaincodeName)?.ledgerQuery === true ? new Uint8Array() : simulator.results();
        if (options.tamperResults !== undefined) results = options.tamperResults(results);
      } catch (error) {
        return refused(rejection('SIMULATION_FAILED', `read/write set of ${parts.txId}: ${(error as Error).message}`));
      }
      const chaincodeId = new peer.ChaincodeID();
      chaincodeId.setName(parts.chaincodeName);
      chaincodeId.setVersion(version);
      const action = new peer.ChaincodeAction();
      action.setResults(results);
      if (result.event !== undefined) {
        const event = new peer.ChaincodeEvent();
        event.setChaincodeId(parts.chaincodeName);
        event.setTxId(parts.txId);
        event.setEventName(result.event.name);
        event.setPayload(result.event.payload);
        action.setEvents(event.serializeBinary());
      }
      action.setResponse(response);
      action.setChaincodeId(chaincodeId);
      const prp = new peer.ProposalResponsePayload();
      prp.setProposalHash(proposalHash(parts));
      prp.setExtension$(action.serializeBinary());
      const payload = prp.serializeBinary();
      const endorsement = new peer.Endorsement();
      endorsement.setEndorser(options.signer.serialized);
      endorsement.setSignature(options.signer.sign(Buffer.concat([payload, options.signer.serialized])));
      const out = new peer.ProposalResponse();
      out.setVersion(1);
      out.setResponse(response);
      out.setPayload(payload);
      out.setEndorsement(endorsement);
      return out;
    } finally {
      // A channel-less proposal never claimed its id (a concurrent copy on the channel may hold it).
      if (!isChannelless(parts)) inFlight.delete(parts.txId);
    }
  };

  return {
    async processProposal(signed) {
      try {
        return await endorse(signed);
      } catch (error) {
        return refused(rejection('MALFORMED_PROPOSAL', `proposal could not be processed: ${(error as Error).message}`));
      }
    },
  };
}

function signedBytes(parts: ProposalParts): Uint8Array {
  const signed = new peer.SignedProposal();
  signed.setProposalBytes(parts.proposalBytes);
  signed.setSignature(parts.signature);
  return signed.serializeBinary();
}
