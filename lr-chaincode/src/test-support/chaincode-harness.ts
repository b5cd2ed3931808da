import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import protos from '@hyperledger/fabric-protos';
import contractApi from 'fabric-contract-api';
import { InMemoryLedger, type ReadWriteSet } from './in-memory-ledger.js';
import { PeerSimulation } from './peer-simulation.js';
import { buildSignedProposal, type ProposalEnvelope } from './signed-proposal.js';
import type { TestIdentity } from './test-identities.js';

const { peer } = protos;
const require = createRequire(import.meta.url);
// The shim's own message handler and contract dispatcher: the code a peer's chaincode container runs.
const { ChaincodeMessageHandler } = require('fabric-shim/lib/handler.js') as {
  ChaincodeMessageHandler: new (stream: EventEmitter, chaincode: unknown) => { chat(msg: unknown): void };
};
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract.js') as new (
  contracts: unknown[],
  serializers: unknown,
  metadata: unknown,
  title: string,
  version: string,
) => unknown;

type ChaincodeMessage = InstanceType<typeof peer.ChaincodeMessage>;
const MessageType = peer.ChaincodeMessage.Type;

/** Outcome of one proposal as an endorser would return it, with what it read and wrote. */
export interface InvocationResult {
  readonly txId: string;
  /** 200 success, ≥ 400 failure (the transaction would not be endorsed). */
  readonly status: number;
  readonly message: string;
  readonly payload: Buffer;
  /** The chaincode event set by the transaction, if any. */
  readonly event: { name: string; payload: Buffer } | null;
  readonly rwset: ReadWriteSet;
  /** Set by `submit`: null when committed, else why the commit was refused (e.g. MVCC). */
  readonly commitError?: string | null;
}

/** Harness options. */
export interface HarnessOptions {
  readonly contracts: readonly (new () => unknown)[];
  readonly channelId?: string;
  readonly chaincodeName?: string;
  /** Proposal timestamps; defaults to a fixed start advancing one second per proposal. */
  readonly clock?: () => Date;
  /** Range results per QUERY_STATE_NEXT batch (the peer's maxResultsPerBatch). */
  readonly maxResultsPerBatch?: number;
  /** Shares a ledger between harnesses (e.g. two endorsers of one channel). */
  readonly ledger?: InMemoryLedger;
}

/**
 * A chaincode "container" driven by an in-memory peer: fabric-shim's real
 * `ChaincodeMessageHandler`, `ChaincodeStub` and `ChaincodeFromContract` dispatch, talking the
 * real ChaincodeMessage protocol (protobuf-encoded on every hop) to {@link PeerSimulation}, which
 * serves state, ranges with pagination, history and key metadata from an {@link InMemoryLedger}
 * and records the read/write set. Proposals are real signed `SignedProposal`s, so
 * `ctx.clientIdentity` works as on a peer.
 */
export class ChaincodeHarness {
  readonly ledger: InMemoryLedger;
  readonly channelId: string;
  readonly chaincodeName: string;
  readonly #stream = new EventEmitter();
  readonly #peer: PeerSimulation;
  readonly #clock: () => Date;
  #nonceCounter = 0;

  private constructor(options: HarnessOptions) {
    this.ledger = options.ledger ?? new InMemoryLedger();
    this.channelId = options.channelId ?? 'speedledger';
    this.chaincodeName = options.chaincodeName ?? 'lr-chaincode';
    let tick = Date.parse('2026-03-01T12:00:00.000Z');
    this.#clock = options.clock ?? (() => new Date((tick += 1000)));
    this.#peer = new PeerSimulation(this.ledger, (msg) => this.#toChaincode(msg), options.maxResultsPerBatch ?? 100);
  }

  /** Loads the contracts through the shim's dispatcher and completes the REGISTER handshake. */
  static async start(options: HarnessOptions): Promise<ChaincodeHarness> {
    const harness = new ChaincodeHarness(options);
    const serializers = { transaction: 'jsonSerializer', serializers: { jsonSerializer: contractApi.JSONSerializer } };
    // The dispatcher appends its system contract to the array it is given: pass a copy.
    const chaincode = new ChaincodeFromContract([...options.contracts], serializers, {}, harness.chaincodeName, '0.0.0-test');
    const stream = harness.#stream as EventEmitter & { write(msg: ChaincodeMessage): void; end(): void };
    stream.write = (msg: ChaincodeMessage) => {
      // Through the wire format, as gRPC would carry it.
      const wire = peer.ChaincodeMessage.deserializeBinary(msg.serializeBinary());
      setImmediate(() => harness.#peer.receive(wire));
    };
    stream.end = () => undefined;
    const handler = new ChaincodeMessageHandler(stream, chaincode);
    const registered = harness.#peer.awaitRegistration();
    const register = new peer.ChaincodeMessage();
    register.setType(MessageType.REGISTER);
    handler.chat(register);
    await registered;
    return harness;
  }

  #toChaincode(msg: ChaincodeMessage): void {
    const wire = peer.ChaincodeMessage.deserializeBinary(msg.serializeBinary());
    setImmediate(() => this.#stream.emit('data', wire));
  }

  /** Builds a signed proposal for `fn(args)` by `identity` (deterministic nonce unless given). */
  proposal(identity: TestIdentity, fn: string, args: readonly (string | Uint8Array)[] = [], nonce?: Uint8Array): ProposalEnvelope {
    const n = nonce ?? Buffer.from(`nonce-${this.chaincodeName}-${++this.#nonceCounter}-${identity.name}`);
    return buildSignedProposal({ identity, channelId: this.channelId, chaincodeName: this.chaincodeName, args: [fn, ...args], timestamp: this.#clock(), nonce: n });
  }

  /** Simulates a proposal (endorsement) without committing. */
  execute(envelope: ProposalEnvelope): Promise<InvocationResult> {
    return this.#peer.execute(envelope);
  }

  /** Evaluates `fn(args)`: simulation only, nothing committed. */
  evaluate(identity: TestIdentity, fn: string, args: readonly (string | Uint8Array)[] = []): Promise<InvocationResult> {
    return this.execute(this.proposal(identity, fn, args));
  }

  /** Submits `fn(args)`: simulates, then commits the read/write set when the status is 200. */
  async submit(identity: TestIdentity, fn: string, args: readonly (string | Uint8Array)[] = []): Promise<InvocationResult> {
    const envelope = this.proposal(identity, fn, args);
    const result = await this.execute(envelope);
    return { ...result, commitError: result.status === 200 ? this.ledger.commit(result.txId, envelope.timestamp, result.rwset) : 'not endorsed' };
  }
}
