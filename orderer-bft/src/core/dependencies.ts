/**
 * What the core needs from its host, injected SmartBFT-style so that the simulator, unit tests
 * and the later Fabric runtime can each supply their own.
 */

/** An ordered proposal: the header (Fabric: block header) and the payload (block data). */
export interface Proposal {
  readonly header: Uint8Array;
  readonly payload: Uint8Array;
}

/** Where a proposal sits: used for the commit signature (Fabric: block SIGNATURES metadata). */
export interface ProposalContext {
  readonly sequence: number;
  readonly view: number;
  /** Hex digest of the proposal (see `proposalDigest`). */
  readonly digest: string;
}

/** This replica's signing key. */
export interface Signer {
  /** Signs a protocol message's canonical bytes. */
  sign(data: Uint8Array): Uint8Array;
  /** Signs a proposal being committed; these signatures form a decision's quorum certificate. */
  signProposal(proposal: Proposal, context: ProposalContext): Uint8Array;
}

/** Knows every replica's public identity. */
export interface Verifier {
  verify(replica: number, data: Uint8Array, signature: Uint8Array): boolean;
  verifyProposalSignature(replica: number, proposal: Proposal, context: ProposalContext, signature: Uint8Array): boolean;
}

/** Context the assembler chains a new proposal to. */
export interface AssemblyContext {
  /** Sequence of the proposal being built (Fabric: block number). */
  readonly sequence: number;
  /** Header of the decision at `sequence − 1` (the genesis header for sequence 1). */
  readonly previousHeader: Uint8Array;
}

/**
 * Turns an ordered batch into a proposal and back. Must be deterministic: replicas validate a
 * leader's proposal by disassembling it and assembling the requests again.
 */
export interface Assembler {
  assemble(requests: readonly Uint8Array[], context: AssemblyContext): Proposal;
  /** The requests of a proposal, or undefined when the payload is malformed. */
  disassemble(proposal: Proposal): readonly Uint8Array[] | undefined;
}

/** Identity of a client request, used for deduplication. */
export interface RequestInfo {
  readonly clientId: string;
  readonly requestId: string;
}

/** Extracts request identities; also the place to reject malformed requests. */
export interface RequestInspector {
  /** The request's identity, or undefined when the request is malformed. */
  inspect(request: Uint8Array): RequestInfo | undefined;
}

/** A collision-resistant hash (SHA-256 in every host so far). */
export interface Hasher {
  hash(data: Uint8Array): Uint8Array;
}

/** Everything a replica is built with. */
export interface ReplicaDependencies {
  readonly signer: Signer;
  readonly verifier: Verifier;
  readonly assembler: Assembler;
  readonly inspector: RequestInspector;
  readonly hasher: Hasher;
  /** Header the first proposal chains to (Fabric: the genesis block header). */
  readonly genesisHeader: Uint8Array;
}
