/**
 * ESM view of the CommonJS Fabric packages. Node's CJS named-export detection misses some of
 * their exports (e.g. `Info`), so everything is taken from the default export here, once.
 */
import contractApi from 'fabric-contract-api';
import shim from 'fabric-shim';

export const { Contract, Context, Info, Transaction, Returns } = contractApi;
export const { KeyEndorsementPolicy } = shim;

/**
 * The transaction context of every LR contract. A class declared in this package (not the
 * library's) so that the TypeScript decorator metadata of each transaction names it, which is
 * how fabric-contract-api recognises and drops the context parameter from the argument list.
 */
export class LrContext extends Context {}

/** Base of the LR contracts: fixes the context type to {@link LrContext}. */
export class LrContract extends Contract {
  override createContext(): LrContext {
    return new LrContext();
  }
}
