import { common, peer } from '@hyperledger/fabric-protos';
import { computeTxId } from '@speedledger/orderer-bft';
import { verifySignature } from '../msp/index.js';
import { BlockOverlay } from './block-overlay.js';
import type { BlockValidation, CommittedChaincodeEvent, NamespaceWrites, ValidatedTransaction, ValidationContext } from './block-validation.js';
import { checkEndorsementPolicies, verifiedEndorsers } from './endorsement-check.js';
import { namespaceWrites, parseEndorserAction, type EndorserAction } from './endorser-action.js';
import { genesisConfigHeader, headerFieldsOf, parseEnvelopeParts, type EnvelopeParts } from './parse-transaction.js';
import { checkReadSet } from './read-set-check.js';
import { ValidationError } from './validation-error.js';

const C = peer.TxValidationCode;

function writesOf(action: EndorserAction): NamespaceWrites[] {
  return action.namespaces.filter(namespaceWrites).map(({ namespace, rwset }) => ({
    namespace,
    writes: rwset.getWritesList().map((w) => ({ key: w.getKey(), value: w.getIsDelete() ? null : w.getValue_asU8() })),
    metadataWrites: rwset.getMetadataWritesList().map((m) => ({
      key: m.getKey(),
      entries: new Map(m.getEntriesList().map((e) => [e.getName(), e.getValue_asU8()] as const)),
    })),
  }));
}

function eventOf(action: EndorserAction, txId: string): CommittedChaincodeEvent | undefined {
  if (action.event === undefined) return undefined;
  return { chaincodeId: action.event.getChaincodeId(), txId, eventName: action.event.getEventName(), payload: action.event.getPayload_asU8() };
}

interface BlockScope {
  readonly blockNumber: number;
  readonly ctx: ValidationContext;
  readonly overlay: BlockOverlay;
  readonly txIdsSeen: Set<string>;
}

async function validateTransaction(index: number, data: Uint8Array, scope: BlockScope): Promise<ValidatedTransaction> {
  const { ctx } = scope;
  // The genesis block is trusted as supplied (Fabric does not validate the block it joins with);
  // its config envelope is unsigned.
  if (scope.blockNumber === 0) {
    const genesis = genesisConfigHeader(data);
    if (genesis !== undefined) return { index, ...genesis, code: C.VALID, writes: [] };
  }
  const parts = parseEnvelopeParts(data);
  const base = { index, ...headerFieldsOf(parts), writes: [] as NamespaceWrites[] };
  if ('code' in parts) return { ...base, code: parts.code };
  const verdict = (code: number, extra: Partial<ValidatedTransaction> = {}): ValidatedTransaction => ({ ...base, code, ...extra });

  if (parts.channelHeader.getChannelId() !== ctx.channelId) return verdict(C.TARGET_CHAIN_NOT_FOUND);
  const creator = ctx.deserialize(parts.creator);
  if ('error' in creator) return verdict(C.BAD_CREATOR_SIGNATURE);
  const withCreator = (code: number, extra: Partial<ValidatedTransaction> = {}): ValidatedTransaction => verdict(code, { creatorMspId: creator.mspId, ...extra });
  if (!verifySignature(creator, parts.payloadBytes, parts.signature)) return withCreator(C.BAD_CREATOR_SIGNATURE);

  if (parts.type === common.HeaderType.CONFIG) return withCreator(C.INVALID_CONFIG_TRANSACTION);
  if (parts.type !== common.HeaderType.ENDORSER_TRANSACTION) return withCreator(C.UNKNOWN_TX_TYPE);
  return validateEndorserTransaction(parts, scope, withCreator);
}

async function validateEndorserTransaction(
  parts: EnvelopeParts, scope: BlockScope, withCreator: (code: number, extra?: Partial<ValidatedTransaction>) => ValidatedTransaction,
): Promise<ValidatedTransaction> {
  const { ctx, overlay } = scope;
  if (parts.txId !== computeTxId(parts.nonce, parts.creator)) return withCreator(C.BAD_PROPOSAL_TXID);
  if (scope.txIdsSeen.has(parts.txId) || (await ctx.txIdCommitted(parts.txId))) return withCreator(C.DUPLICATE_TXID);
  scope.txIdsSeen.add(parts.txId);

  const action = parseEndorserAction(parts);
  if ('code' in action) return withCreator(action.code);
  const endorsers = verifiedEndorsers(action, ctx);
  const policyProblem = await checkEndorsementPolicies(action, endorsers, ctx, overlay);
  if (policyProblem) return withCreator(policyProblem.code);
  // Passed endorsement validation: later transactions of this block writing these keys conflict
  // with the changed validation parameters, whatever the MVCC outcome (Fabric's dependency rule).
  for (const { namespace, rwset } of action.namespaces) {
    for (const write of rwset.getMetadataWritesList()) overlay.noteMetadataUpdate(namespace, write.getKey());
  }
  const readProblem = await checkReadSet(action.namespaces, ctx.state, overlay);
  if (readProblem) return withCreator(readProblem.code);
  const event = eventOf(action, parts.txId);
  return withCreator(C.VALID, { writes: writesOf(action), ...(event === undefined ? {} : { chaincodeEvent: event }) });
}

/**
 * Validates a block's transactions as Fabric's committer does (txvalidator v20, then the MVCC
 * stage), in block order, each seeing the writes of the earlier VALID ones:
 *
 * - structure: NIL_ENVELOPE, INVALID_OTHER_REASON (not an Envelope), BAD_PAYLOAD,
 *   BAD_CHANNEL_HEADER, BAD_COMMON_HEADER;
 * - channel ≠ `ctx.channelId` → TARGET_CHAIN_NOT_FOUND; creator not deserialisable or its
 *   envelope signature not verifying → BAD_CREATOR_SIGNATURE;
 * - CONFIG: VALID in block 0 (the genesis block, trusted as supplied) with no writes. Config
 *   updates are NOT supported: a CONFIG transaction in any later block is
 *   INVALID_CONFIG_TRANSACTION and the channel config stays the genesis one;
 * - other header types than ENDORSER_TRANSACTION → UNKNOWN_TX_TYPE;
 * - endorser transactions: tx id ≠ hex(SHA-256(nonce ‖ creator)) → BAD_PROPOSAL_TXID; tx id
 *   committed before or earlier in this block → DUPLICATE_TXID; structure and chaincode ids (see
 *   {@link parseEndorserAction}); endorsement policies (see {@link checkEndorsementPolicies});
 *   read versions and range re-runs (see {@link checkReadSet}).
 *
 * Only VALID transactions carry `writes` and a `chaincodeEvent`. Throws MALFORMED_BLOCK only for
 * a block without header; every per-transaction problem is a code, never an exception.
 */
export async function validateBlock(block: common.Block, ctx: ValidationContext): Promise<BlockValidation> {
  const header = block.getHeader();
  if (header === undefined) throw new ValidationError('MALFORMED_BLOCK', 'block has no header');
  const blockNumber = header.getNumber();
  const scope: BlockScope = { blockNumber, ctx, overlay: new BlockOverlay(ctx.state), txIdsSeen: new Set() };
  const data = block.getData()?.getDataList_asU8() ?? [];
  const transactions: ValidatedTransaction[] = [];
  for (let index = 0; index < data.length; index++) {
    const result = await validateTransaction(index, data[index]!, scope);
    if (result.code === C.VALID && result.writes.length > 0) await scope.overlay.apply(result.writes, { blockNum: blockNumber, txNum: index });
    transactions.push(result);
  }
  return { blockNumber, transactions, transactionsFilter: Uint8Array.from(transactions.map((t) => t.code)) };
}
