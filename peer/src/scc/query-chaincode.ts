import { common, peer } from '@hyperledger/fabric-protos';
import { decodeBounded } from '@speedledger/orderer-bft';
import type { ChaincodeResponse, SystemChaincode } from '../chaincode/chaincode-response.js';
import type { ChainInfo, StoredTransaction } from '../ledger/index.js';
import type { LedgerQueryAccess } from './ledger-query-access.js';
import { sccError, sccSuccess } from './system-chaincode-response.js';

/** The ledger reads qscc answers from (a `PeerLedger` is one). */
export interface QueryLedger {
  chainInfo(): Promise<ChainInfo>;
  blockByNumber(blockNum: number): Promise<common.Block | undefined>;
  blockByHash(hash: Uint8Array): Promise<common.Block | undefined>;
  blockByTxId(txId: string): Promise<common.Block | undefined>;
  transactionByTxId(txId: string): Promise<StoredTransaction | undefined>;
}

/** Options of {@link createQueryChaincode}. */
export interface QueryChaincodeOptions {
  /** The one channel this peer serves; any other channel argument is Fabric's "Invalid chain ID". */
  readonly channelId: string;
  readonly ledger: QueryLedger;
  readonly access: LedgerQueryAccess;
}

/** qscc's functions, as Fabric names them. */
export const QSCC_FUNCTIONS = ['GetChainInfo', 'GetBlockByNumber', 'GetBlockByHash', 'GetTransactionByID', 'GetBlockByTxID'] as const;

const MAX_UINT64 = 18_446_744_073_709_551_615n;
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/**
 * A block number argument as Go's `strconv.ParseUint(s, 10, 64)` reads it (decimal digits only,
 * leading zeros allowed), with its error text; `MaxUint64` means the newest block, as in Fabric's
 * block store.
 */
function parseBlockNumber(arg: string): bigint | { readonly error: string } {
  if (!/^[0-9]+$/.test(arg)) return { error: `strconv.ParseUint: parsing ${JSON.stringify(arg)}: invalid syntax` };
  const n = BigInt(arg);
  if (n > MAX_UINT64) return { error: `strconv.ParseUint: parsing ${JSON.stringify(arg)}: value out of range` };
  return n;
}

/**
 * Fabric's query system chaincode `qscc` over this peer's ledger: `args[0]` the function,
 * `args[1]` the channel, `args[2]` the block number (decimal), block header hash (bytes) or
 * transaction id. Answers marshalled `common.BlockchainInfo`, `common.Block` (as stored, with its
 * TRANSACTIONS_FILTER) or `peer.ProcessedTransaction`; refusals are status 500 with Fabric's
 * messages. The creator must satisfy the channel's Readers policy (Fabric's default ACL).
 */
export function createQueryChaincode(options: QueryChaincodeOptions): SystemChaincode {
  const { ledger } = options;

  const functions: Record<string, (arg: Uint8Array) => Promise<ChaincodeResponse>> = {
    async GetChainInfo() {
      const info = await ledger.chainInfo();
      const out = new common.BlockchainInfo();
      out.setHeight(info.height);
      out.setCurrentblockhash(info.currentBlockHash);
      out.setPreviousblockhash(info.previousBlockHash);
      return sccSuccess(out.serializeBinary());
    },
    async GetBlockByNumber(arg) {
      const parsed = parseBlockNumber(text(arg));
      if (typeof parsed !== 'bigint') return sccError(`Failed to parse block number with error ${parsed.error}`);
      const number = parsed === MAX_UINT64 ? BigInt((await ledger.chainInfo()).height - 1) : parsed;
      const block = number >= 0n && number <= BigInt(Number.MAX_SAFE_INTEGER) ? await ledger.blockByNumber(Number(number)) : undefined;
      if (block === undefined) return sccError(`Failed to get block number ${parsed}, error no such block number [${number}] in index`);
      return sccSuccess(block.serializeBinary());
    },
    async GetBlockByHash(arg) {
      const block = await ledger.blockByHash(arg);
      // Fabric prints the raw hash bytes first; hex keeps the message valid UTF-8.
      if (block === undefined) return sccError(`Failed to get block hash ${hex(arg)}, error no such block hash [${hex(arg)}] in index`);
      return sccSuccess(block.serializeBinary());
    },
    async GetTransactionByID(arg) {
      const txId = text(arg);
      const stored = await ledger.transactionByTxId(txId);
      if (stored === undefined) return sccError(`Failed to get transaction with id ${txId}, error no such transaction ID [${txId}] in index`);
      const out = new peer.ProcessedTransaction();
      out.setTransactionenvelope(decodeBounded(common.Envelope, stored.envelope));
      out.setValidationcode(stored.code);
      return sccSuccess(out.serializeBinary());
    },
    async GetBlockByTxID(arg) {
      const txId = text(arg);
      const block = await ledger.blockByTxId(txId);
      if (block === undefined) return sccError(`Failed to get block for txID ${txId}, error no such transaction ID [${txId}] in index`);
      return sccSuccess(block.serializeBinary());
    },
  };

  return {
    name: 'qscc',
    ledgerQuery: true,
    async invoke({ args, creator }) {
      if (args.length < 2) return sccError(`Incorrect number of arguments, ${args.length}`);
      const fn = text(args[0]!);
      const channel = text(args[1]!);
      if (fn !== 'GetChainInfo' && args.length < 3) return sccError(`missing 3rd argument for ${fn}`);
      if (channel !== options.channelId) return sccError(`Invalid chain ID, ${channel}`);
      const denied = options.access(`qscc/${fn}`, creator);
      if (denied !== undefined) return sccError(`access denied for [${fn}][${channel}]: [${denied}]`);
      const run = Object.hasOwn(functions, fn) ? functions[fn] : undefined;
      if (run === undefined) return sccError(`Requested function ${fn} not found.`);
      return run(args[2] ?? new Uint8Array());
    },
  };
}
