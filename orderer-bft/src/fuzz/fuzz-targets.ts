/**
 * Fuzz targets: one per entry point where bytes from a socket are decoded (every gRPC request
 * type of the peer, the gateway, Broadcast, Deliver and the replica links) and one per nested
 * decode those requests lead to (Envelope → Payload → Header → ChannelHeader/SignatureHeader,
 * Proposal → ChaincodeProposalPayload → ChaincodeInvocationSpec, ProposalResponse →
 * ProposalResponsePayload → ChaincodeAction → TxReadWriteSet → KVRWSet, Transaction →
 * ChaincodeActionPayload, SeekInfo, Block, DeliverResponse, SerializedIdentity…). The property:
 * any input returns or throws the entry point's typed error; anything else, or no answer within
 * the per-input bound, is a finding.
 */
import { common, gateway, ledger, msp, orderer, peer } from '@hyperledger/fabric-protos';
import type { DecodableMessage } from '../fabric/bounded-reader.js';
import { MalformedProtobufError } from '../fabric/malformed-protobuf-error.js';
import { parseEnvelope } from '../fabric/parse-envelope.js';
import { decodeBounded } from '../fabric/wire-prescan.js';
import { decodeValue } from '../runtime/codec.js';
import { summariseEnvelope } from '../runtime/proto-ledger-format.js';

/** A fuzz target: `run` must return or throw an error `expected` accepts. */
export interface FuzzTarget {
  readonly name: string;
  run(bytes: Uint8Array): void;
  /** Whether a thrown error is the entry point's documented refusal. */
  expected(error: unknown): boolean;
  /** A control target (not part of `all`): decodes unbounded, so the fuzzer must report a hang. */
  readonly control?: true;
}

const malformed = (error: unknown): boolean => error instanceof MalformedProtobufError;

function messageTarget<T>(name: string, type: DecodableMessage<T>): FuzzTarget {
  return { name, run: (bytes) => void decodeBounded(type, bytes), expected: malformed };
}

const MESSAGES: readonly [string, DecodableMessage<unknown>][] = [
  // gRPC request types (peer, gateway, endorser)
  ['gateway.EndorseRequest', gateway.EndorseRequest],
  ['gateway.EvaluateRequest', gateway.EvaluateRequest],
  ['gateway.SubmitRequest', gateway.SubmitRequest],
  ['gateway.SignedCommitStatusRequest', gateway.SignedCommitStatusRequest],
  ['gateway.CommitStatusRequest', gateway.CommitStatusRequest],
  ['gateway.SignedChaincodeEventsRequest', gateway.SignedChaincodeEventsRequest],
  ['gateway.ChaincodeEventsRequest', gateway.ChaincodeEventsRequest],
  ['peer.SignedProposal', peer.SignedProposal],
  // Broadcast / Deliver payloads and their nesting
  ['common.Envelope', common.Envelope],
  ['common.Payload', common.Payload],
  ['common.Header', common.Header],
  ['common.ChannelHeader', common.ChannelHeader],
  ['common.SignatureHeader', common.SignatureHeader],
  ['orderer.SeekInfo', orderer.SeekInfo],
  ['common.Block', common.Block],
  ['orderer.DeliverResponse', orderer.DeliverResponse],
  ['peer.DeliverResponse', peer.DeliverResponse],
  ['msp.SerializedIdentity', msp.SerializedIdentity],
  // Proposal and transaction nesting
  ['peer.Proposal', peer.Proposal],
  ['peer.ChaincodeHeaderExtension', peer.ChaincodeHeaderExtension],
  ['peer.ChaincodeProposalPayload', peer.ChaincodeProposalPayload],
  ['peer.ChaincodeInvocationSpec', peer.ChaincodeInvocationSpec],
  ['peer.ProposalResponse', peer.ProposalResponse],
  ['peer.ProposalResponsePayload', peer.ProposalResponsePayload],
  ['peer.ChaincodeAction', peer.ChaincodeAction],
  ['peer.Transaction', peer.Transaction],
  ['peer.ChaincodeActionPayload', peer.ChaincodeActionPayload],
  ['peer.ChaincodeEvent', peer.ChaincodeEvent],
  ['rwset.TxReadWriteSet', ledger.rwset.TxReadWriteSet],
  ['kvrwset.KVRWSet', ledger.rwset.kvrwset.KVRWSet],
];

/** Entry points that must never throw: they answer a refusal as a value. */
function totalTarget(name: string, run: (bytes: Uint8Array) => unknown): FuzzTarget {
  return { name, run: (bytes) => void run(bytes), expected: () => false };
}

/** Every target, by name. */
export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  ...MESSAGES.map(([name, type]) => messageTarget(name, type)),
  // Orderer Broadcast/Deliver admission (Fabric format and built-in format).
  totalTarget('orderer.parseEnvelope', parseEnvelope),
  totalTarget('orderer.summariseEnvelope', summariseEnvelope),
  // Replica links: Pull requests and Stream frames are codec values.
  { name: 'link.decodeValue', run: (bytes) => void decodeValue(bytes), expected: (e) => e instanceof RangeError || e instanceof SyntaxError },
  // What every site did before issue 17: proves that a hang is detected and reported.
  { name: 'control.unbounded-SeekInfo', run: (bytes) => void orderer.SeekInfo.deserializeBinary(bytes), expected: () => true, control: true },
];

/** The target called `name`. */
export function fuzzTarget(name: string): FuzzTarget | undefined {
  return FUZZ_TARGETS.find((t) => t.name === name);
}
