import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { applyShimCostGuards, type ShimLoggerModule, type X509Module } from '@speedledger/lr-chaincode/runtime';

const require = createRequire(import.meta.url);

/** fabric-shim's ChaincodeMessage class, from the fabric-protos copy the shim itself loads. */
export interface ShimChaincodeMessageClass {
  deserializeBinary(bytes: Uint8Array): ShimChaincodeMessage;
}

/** The part of a shim-side ChaincodeMessage the container touches. */
export interface ShimChaincodeMessage {
  serializeBinary(): Uint8Array;
}

/** The fabric-shim pieces the in-process container runs: the chaincode side of a real container. */
export interface ShimRuntime {
  readonly ChaincodeMessageHandler: new (stream: EventEmitter, chaincode: unknown) => { chat(message: unknown): void };
  readonly ChaincodeFromContract: new (contracts: unknown[], serializers: unknown, metadata: unknown, title: string, version: string) => unknown;
  readonly JSONSerializer: unknown;
  readonly ChaincodeMessage: ShimChaincodeMessageClass;
  /** fabric-shim's `ChaincodeStub` (lib/stub.js): what a contract's `ctx.stub` is. */
  readonly ChaincodeStub: new (handler: unknown, channelId: string, txId: string, input: unknown, signedProposal: unknown) => ShimStub;
  /** fabric-shim's query iterators (lib/iterators.js), over a `QueryResponse` and a handler. */
  readonly StateQueryIterator: new (handler: unknown, channelId: string, txId: string, response: unknown) => unknown;
  readonly HistoryQueryIterator: new (handler: unknown, channelId: string, txId: string, response: unknown) => unknown;
  /** The message classes of the fabric-protos copy the shim loads (0.2.x). */
  readonly protos: ShimProtos;
}

/** The part of fabric-shim's ChaincodeStub the direct dispatch reads after a transaction. */
export interface ShimStub {
  readonly chaincodeEvent?: { getEventName(): string; getPayload_asU8(): Uint8Array };
}

interface Decodable {
  deserializeBinary(bytes: Uint8Array): unknown;
}

/** Message classes (shim's fabric-protos copy) the direct dispatch builds or decodes. */
export interface ShimProtos {
  readonly ChaincodeInput: new () => { setArgsList(args: Uint8Array[]): void };
  readonly SignedProposal: Decodable;
  readonly QueryResponse: Decodable;
  readonly QueryResponseMetadata: Decodable;
  readonly StateMetadataResult: Decodable;
}

/** Package roots of the chaincode runtime libraries as the peer resolves them. */
export interface RuntimePackage {
  readonly name: string;
  readonly root: string;
  readonly version: string;
}

function packageRoot(name: string, from: NodeRequire): string {
  // Walk up from the resolved entry point: not every package exports ./package.json.
  let dir = dirname(from.resolve(name));
  while (true) {
    try {
      const pkg = from(`${dir}/package.json`) as { name?: string };
      if (pkg.name === name) return dir;
    } catch {
      // no package.json at this level
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the package root of ${name}`);
    dir = parent;
  }
}

let runtime: ShimRuntime | undefined;
let packages: readonly RuntimePackage[] | undefined;

/**
 * The runtime libraries a node chaincode package may depend on, resolved exactly as the peer's
 * fabric-shim resolves them (fabric-protos from the shim's own location: the shim uses 0.2.x,
 * the peer's services 0.3.x).
 */
export function runtimePackages(): readonly RuntimePackage[] {
  packages ??= (() => {
    const shimRoot = packageRoot('fabric-shim', require);
    const fromShim = createRequire(`${shimRoot}/package.json`);
    const roots = [
      { name: 'fabric-shim', root: shimRoot },
      { name: 'fabric-contract-api', root: packageRoot('fabric-contract-api', fromShim) },
      { name: '@hyperledger/fabric-protos', root: packageRoot('@hyperledger/fabric-protos', fromShim) },
    ];
    // The cost guards a self-contained package applies to the shim it bundles, applied here to the
    // peer's own copies, for packages that declare the libraries as dependencies. Before any of
    // their modules takes its logger (they do at load, a linked chaincode's too).
    applyShimCostGuards({
      loggerModules: roots.slice(0, 2).map(({ root }) => require(`${root}/lib/logger.js`) as ShimLoggerModule),
      x509: fromShim('@fidm/x509') as X509Module,
    });
    return roots.map(({ name, root }) => ({ name, root, version: (require(`${root}/package.json`) as { version: string }).version }));
  })();
  return packages;
}

/** Loads (once) fabric-shim's handler, contract dispatcher, JSON serializer and message class. */
export function shimRuntime(): ShimRuntime {
  runtime ??= (() => {
    // fabric-shim logs every transaction at INFO in plain text, into the peer's JSON log, and
    // that costs a peer several per cent of its CPU; Fabric's own variable still overrides this.
    process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'WARNING';
    const roots = new Map(runtimePackages().map((p) => [p.name, p.root]));
    const shimRoot = roots.get('fabric-shim')!;
    const { ChaincodeMessageHandler } = require(`${shimRoot}/lib/handler.js`) as Pick<ShimRuntime, 'ChaincodeMessageHandler'>;
    const ChaincodeFromContract = require(`${shimRoot}/lib/contract-spi/chaincodefromcontract.js`) as ShimRuntime['ChaincodeFromContract'];
    const { JSONSerializer } = require(roots.get('fabric-contract-api')!) as { JSONSerializer: unknown };
    const ChaincodeStub = require(`${shimRoot}/lib/stub.js`) as ShimRuntime['ChaincodeStub'];
    const { StateQueryIterator, HistoryQueryIterator } = require(`${shimRoot}/lib/iterators.js`) as Pick<ShimRuntime, 'StateQueryIterator' | 'HistoryQueryIterator'>;
    const protos = require(roots.get('@hyperledger/fabric-protos')!) as { peer: ShimProtos & { ChaincodeMessage: ShimChaincodeMessageClass } };
    return {
      ChaincodeMessageHandler, ChaincodeFromContract, JSONSerializer, ChaincodeMessage: protos.peer.ChaincodeMessage, ChaincodeStub, StateQueryIterator, HistoryQueryIterator, protos: protos.peer,
    };
  })();
  return runtime;
}

/** The export through which a self-contained package hands its bundled fabric-shim to an in-process host. */
export const BUNDLED_SHIM_EXPORT = 'fabricShimRuntime';

const SHIM_CLASSES = ['ChaincodeMessageHandler', 'ChaincodeFromContract', 'ChaincodeStub', 'StateQueryIterator', 'HistoryQueryIterator', 'JSONSerializer'] as const;
const PROTO_CLASSES = ['ChaincodeMessage', 'ChaincodeInput', 'SignedProposal', 'QueryResponse', 'QueryResponseMetadata', 'StateMetadataResult'] as const;

/**
 * The shim a self-contained package bundles, from its `fabricShimRuntime` export (fabric-shim's
 * handler, contract dispatcher, stub and iterators, fabric-contract-api's JSON serializer and
 * the message classes of the fabric-protos copy the shim loads). The peer then runs the package's
 * own shim, the code its fingerprint covers, instead of its own. Throws an Error naming the first
 * missing piece.
 */
export function bundledShimRuntime(exported: unknown): ShimRuntime {
  if (typeof exported !== 'object' || exported === null) throw new Error(`the package exports no ${BUNDLED_SHIM_EXPORT} object`);
  const pieces = exported as Record<string, unknown> & { protos?: unknown };
  for (const name of SHIM_CLASSES) {
    if (typeof pieces[name] !== 'function') throw new Error(`${BUNDLED_SHIM_EXPORT}.${name} is not a class`);
  }
  const protos = pieces.protos as Record<string, unknown> | undefined;
  if (typeof protos !== 'object' || protos === null) throw new Error(`${BUNDLED_SHIM_EXPORT}.protos is missing`);
  for (const name of PROTO_CLASSES) {
    if (typeof protos[name] !== 'function') throw new Error(`${BUNDLED_SHIM_EXPORT}.protos.${name} is not a message class`);
  }
  const runtimePieces = pieces as unknown as Omit<ShimRuntime, 'ChaincodeMessage' | 'protos'>;
  return {
    ChaincodeMessageHandler: runtimePieces.ChaincodeMessageHandler,
    ChaincodeFromContract: runtimePieces.ChaincodeFromContract,
    JSONSerializer: runtimePieces.JSONSerializer,
    ChaincodeStub: runtimePieces.ChaincodeStub,
    StateQueryIterator: runtimePieces.StateQueryIterator,
    HistoryQueryIterator: runtimePieces.HistoryQueryIterator,
    ChaincodeMessage: protos.ChaincodeMessage as unknown as ShimChaincodeMessageClass,
    protos: protos as unknown as ShimProtos,
  };
}
