/**
 * The peer's endorser and chaincode modules, loaded from its build. `@speedledger/peer` exports
 * neither from its package entry (only the peer process composes them), and a micro-benchmark
 * needs them in process, so they are imported by file from the resolved package directory.
 * Types come from the peer's emitted declarations.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

type EndorserModule = typeof import('../../peer/dist/endorser/index.js');
type ChaincodeModule = typeof import('../../peer/dist/chaincode/index.js');

const peerDist = dirname(createRequire(import.meta.url).resolve('@speedledger/peer'));

async function peerModule<T>(folder: string): Promise<T> {
  return (await import(pathToFileURL(join(peerDist, folder, 'index.js')).href)) as T;
}

/** `createEndorser` and friends (peer/src/endorser). */
export const endorserModule: EndorserModule = await peerModule<EndorserModule>('endorser');
/** `installPackage`, `loadChaincode` and friends (peer/src/chaincode). */
export const chaincodeModule: ChaincodeModule = await peerModule<ChaincodeModule>('chaincode');

/** The endorser's public type. */
export type Endorser = ReturnType<EndorserModule['createEndorser']>;
/** A started in-process chaincode container. */
export type LoadedChaincode = Awaited<ReturnType<ChaincodeModule['loadChaincode']>>;
