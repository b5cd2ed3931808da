import { common, peer as peerProtos } from '@hyperledger/fabric-protos';
import { verifyBlock } from '@speedledger/orderer-bft';
import { ledger, lifecycle, validation } from '@speedledger/peer';
import type { AuditFinding } from './audit-finding.js';
import { AuditState } from './audit-state.js';
import { channelTrust, type ChannelTrust } from './channel-trust.js';
import { parseEndorserTransaction, type EndorserTransaction } from './endorser-transaction.js';
import { checkRecordedReadings, carriedReadings } from './recorded-readings.js';
import { compareReexecution } from './write-set-comparison.js';
import type { PackageExecutor } from './reexecution.js';

const VALID = peerProtos.TxValidationCode.VALID;
const CODE_NAMES = Object.fromEntries(Object.entries(peerProtos.TxValidationCode).map(([k, v]) => [v, k])) as Record<number, string>;

/** Where an audit stopped: enough to resume and to prove the resumed run continues the same chain. */
export interface AuditCheckpoint {
  readonly channelId: string;
  readonly lastBlock: number;
  /** Hex SHA-256 of the last audited block's header (what the next block's previous_hash holds). */
  readonly lastHeaderHash: string;
}

/** The blocks one chaincode definition (sequence) governed during the audit. */
export interface DefinitionSpan {
  readonly chaincode: string;
  readonly sequence: number;
  readonly version: string;
  readonly packageSha256: string;
  readonly endorsementPolicy: string;
  firstBlock: number;
  lastBlock: number;
  transactions: number;
  reexecuted: number;
  /** Whether the auditor supplied the package this definition names. */
  readonly packageSupplied: boolean;
}

/** Counts of an audit run. */
export interface AuditSummary {
  channelId: string;
  fromBlock: number;
  lastBlock: number;
  blocks: number;
  transactions: number;
  validTransactions: number;
  reexecutedTransactions: number;
  readingsChecked: number;
  findings: number;
}

/** Progress of a running audit, once per block. */
export interface AuditProgress {
  readonly blockNumber: number;
  readonly transactions: number;
  readonly findings: number;
}

/** Options of {@link Auditor}. */
export interface AuditorOptions {
  /** The approved packages the auditor supplies, by their SHA-256. */
  readonly packages: readonly PackageExecutor[];
  /** First block whose findings are reported (earlier blocks only rebuild state); default 0. */
  readonly fromBlock?: number;
  /** Continues a previous run: blocks up to `lastBlock` rebuild state only, and must chain to its hash. */
  readonly resume?: AuditCheckpoint;
  readonly onProgress?: (progress: AuditProgress) => void;
  /**
   * With executors that follow the state themselves (worker threads, see
   * `PackageExecutor.follow`), how many transactions may be re-executing while the auditor goes
   * on to later blocks; default 256. In-process executors re-execute each block before the next.
   */
  readonly maxInFlight?: number;
}

/** One block's findings in report order: its own (chain, validation), then its transactions' in block order. */
interface PendingBlock {
  readonly own: AuditFinding[];
  readonly transactions: Promise<AuditFinding[]>[];
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/**
 * The recorded writes of a valid transaction to one namespace (null = delete), from what
 * validation already decoded of its read/write set rather than decoding the results again.
 */
function recordedWritesOf(tx: validation.ValidatedTransaction, namespace: string): Map<string, Uint8Array | null> {
  const writes = new Map<string, Uint8Array | null>();
  for (const ns of tx.writes) {
    if (ns.namespace === namespace) for (const w of ns.writes) writes.set(w.key, w.value);
  }
  return writes;
}


/**
 * The audit, block by block (pure: blocks in, findings out; package execution is injected).
 * For each block: the hash chain and 2f+1 orderer signatures against the genesis consenters;
 * Fabric validation redone over the state the audit rebuilt (creator, endorsement and key-level
 * policies in force at that height, MVCC) and compared with the committed TRANSACTIONS_FILTER;
 * for every valid user-chaincode transaction the raw readings are checked against the registry
 * as of that height and the transaction is re-run on the package its definition names, the
 * recomputed read/write set compared byte for byte with the recorded one.
 */
export class Auditor {
  readonly state = new AuditState();
  readonly findings: AuditFinding[] = [];
  readonly definitions: DefinitionSpan[] = [];
  readonly #packages: Map<string, PackageExecutor>;
  readonly #options: AuditorOptions;
  #trust: ChannelTrust | undefined;
  #previousHeaderHash: Uint8Array | undefined;
  #next = 0;
  #summary: AuditSummary = { channelId: '', fromBlock: 0, lastBlock: -1, blocks: 0, transactions: 0, validTransactions: 0, reexecutedTransactions: 0, readingsChecked: 0, findings: 0 };
  readonly #missingReported = new Set<string>();
  readonly #pending: PendingBlock[] = [];
  #pendingTransactions = 0;
  #current: PendingBlock | undefined;
  readonly #followers: PackageExecutor[];
  readonly #pipelined: boolean;

  constructor(options: AuditorOptions) {
    this.#options = options;
    this.#packages = new Map(options.packages.map((p) => [p.packageSha256, p]));
    this.#followers = options.packages.filter((p) => p.follow !== undefined);
    this.#pipelined = options.packages.length > 0 && this.#followers.length === options.packages.length;
    this.#summary.fromBlock = Math.max(options.fromBlock ?? 0, options.resume === undefined ? 0 : options.resume.lastBlock + 1);
  }

  /** Counts so far (of the blocks whose re-executions are settled; all of them after {@link settle}). */
  get summary(): AuditSummary {
    return { ...this.#summary, findings: this.findings.length };
  }

  /** Where to resume after the blocks audited so far; undefined before block 0. */
  get checkpoint(): AuditCheckpoint | undefined {
    if (this.#previousHeaderHash === undefined) return undefined;
    return { channelId: this.#summary.channelId, lastBlock: this.#next - 1, lastHeaderHash: hex(this.#previousHeaderHash) };
  }

  /**
   * Audits the next block (blocks must come in order from 0, the genesis block). With following
   * executors its re-executions may still be running when this returns: {@link settle} before
   * reading `findings`, `summary` or `checkpoint` as final.
   */
  async add(block: common.Block): Promise<void> {
    const header = block.getHeader();
    const number = header?.getNumber() ?? -1;
    const report = number >= this.#summary.fromBlock;
    if (number !== this.#next) {
      await this.settle();
      this.#push(report || number < 0, { code: 'BLOCK_OUT_OF_ORDER', severity: 'critical', blockNumber: number, message: `expected block ${this.#next}, the source delivered block ${number}` });
      throw new RangeError(`expected block ${this.#next}, got ${number}`);
    }
    const entry: PendingBlock = { own: [], transactions: [] };
    this.#current = entry;
    if (number === 0) this.#genesis(block);
    else await this.#block(block, report);
    this.#previousHeaderHash = ledger.headerHashOf(header!);
    this.#next = number + 1;
    const resume = this.#options.resume;
    if (resume !== undefined && number === resume.lastBlock && hex(this.#previousHeaderHash) !== resume.lastHeaderHash) {
      this.#push(true, { code: 'CHECKPOINT_MISMATCH', severity: 'critical', blockNumber: number, recorded: hex(this.#previousHeaderHash), recomputed: resume.lastHeaderHash, message: `block ${number} is not the block the previous audit ended on: the chain was rewritten since` });
    }
    if (report) {
      this.#summary.blocks += 1;
      this.#summary.lastBlock = number;
    }
    this.#current = undefined;
    this.#pending.push(entry);
    this.#pendingTransactions += entry.transactions.length;
    await this.#flush(this.#pipelined ? (this.#options.maxInFlight ?? 256) : 0);
    this.#options.onProgress?.({ blockNumber: number, transactions: this.#summary.transactions, findings: this.findings.length });
  }

  /** Waits for every re-execution handed out and takes its findings in, in ledger order. */
  async settle(): Promise<void> {
    await this.#flush(-1);
  }

  /** Takes in the findings of the oldest blocks until at most `limit` transactions are pending (blocks without any go at once). */
  async #flush(limit: number): Promise<void> {
    while (this.#pending.length > 0 && (this.#pendingTransactions > limit || this.#pending[0]!.transactions.length === 0)) {
      const head = this.#pending[0]!;
      const results = await Promise.all(head.transactions);
      this.#pending.shift();
      this.#pendingTransactions -= head.transactions.length;
      this.findings.push(...head.own);
      for (const findings of results) this.findings.push(...findings);
    }
  }

  #push(report: boolean, finding: AuditFinding): void {
    if (!report) return;
    if (this.#current !== undefined) this.#current.own.push(finding);
    else this.findings.push(finding);
  }

  #genesis(block: common.Block): void {
    this.#trust = channelTrust(block);
    this.#summary.channelId = this.#trust.channelId;
    if (this.#options.resume !== undefined && this.#options.resume.channelId !== this.#trust.channelId) {
      throw new RangeError(`checkpoint is for channel ${this.#options.resume.channelId}, the blocks are of ${this.#trust.channelId}`);
    }
  }

  async #block(block: common.Block, report: boolean): Promise<void> {
    const trust = this.#trust!;
    const number = block.getHeader()!.getNumber();
    const verdict = verifyBlock(block, { previousHeaderHash: this.#previousHeaderHash, consenters: trust.consenters, quorum: trust.quorum });
    if (!verdict.ok) {
      this.#push(report, {
        code: verdict.code, severity: 'critical', blockNumber: number, recomputed: verdict.signers === undefined ? undefined : { validSigners: verdict.signers, quorum: trust.quorum },
        message: `block ${number} fails the chain check: ${verdict.reason}`,
      });
    }
    const validated = await validation.validateBlock(block, trust.validationContext(this.state));
    const filter = ledger.transactionsFilterOf(block);
    const envelopes = block.getData()?.getDataList_asU8() ?? [];
    const definitionsInBlock = new Map<string, lifecycle.ChaincodeDefinition>();
    for (const tx of validated.transactions) {
      if (report) this.#summary.transactions += 1;
      const committed = filter[tx.index];
      if (committed !== undefined && committed !== tx.code) {
        const policy = tx.code === peerProtos.TxValidationCode.ENDORSEMENT_POLICY_FAILURE;
        this.#push(report, {
          code: policy ? 'ENDORSEMENT_POLICY_NOT_SATISFIED' : 'VALIDATION_DISAGREES', severity: committed === VALID ? 'critical' : 'error', blockNumber: number, txId: tx.txId,
          recorded: CODE_NAMES[committed] ?? committed, recomputed: CODE_NAMES[tx.code] ?? tx.code,
          message: `transaction ${tx.txId} is committed as ${CODE_NAMES[committed] ?? committed}, Fabric validation at that height gives ${CODE_NAMES[tx.code] ?? tx.code}`,
        });
      }
      if (tx.code !== VALID) continue;
      if (report) this.#summary.validTransactions += 1;
      const parsed = parseEndorserTransaction(envelopes[tx.index]!);
      if (parsed === undefined || parsed.chaincodeName === lifecycle.LIFECYCLE_NAMESPACE) {
        for (const ns of tx.writes) {
          if (ns.namespace !== lifecycle.LIFECYCLE_NAMESPACE) continue;
          for (const w of ns.writes) {
            if (w.key.startsWith('definitions/') && w.value !== null) definitionsInBlock.set(w.key.slice('definitions/'.length), lifecycle.decodeDefinition(w.value));
          }
        }
        continue;
      }
      const definition = definitionsInBlock.get(parsed.chaincodeName) ?? (await lifecycle.readDefinition(this.state, parsed.chaincodeName));
      if (definition === undefined) continue; // validation already refused writes to an undefined chaincode
      if (report) {
        const job = this.#transaction(number, parsed, recordedWritesOf(tx, parsed.chaincodeName), definition);
        job.catch(() => undefined); // awaited by #flush, maybe after later blocks: not unhandled meanwhile
        this.#current!.transactions.push(job);
      }
    }
    // Valid transactions of one block read only state committed before it (MVCC would have
    // invalidated any that read an earlier transaction's write), so they re-run concurrently;
    // their findings are taken in block order, whatever order the re-executions finish in.
    // An in-process executor reads this.state, so the block's writes wait for its re-executions;
    // following executors got their transactions with the state as it was and replicate the writes.
    if (!this.#pipelined) await Promise.all(this.#current!.transactions);
    for (const tx of validated.transactions) {
      if (tx.code !== VALID) continue;
      this.state.apply(tx, number, tx.index);
      for (const follower of this.#followers) follower.follow!(tx, number, tx.index);
    }
    this.state.noteTxIds(validated.transactions.map((t) => t.txId));
  }

  #span(definition: lifecycle.ChaincodeDefinition, blockNumber: number): DefinitionSpan {
    let span = this.definitions.find((d) => d.chaincode === definition.name && d.sequence === definition.sequence);
    if (span === undefined) {
      span = {
        chaincode: definition.name, sequence: definition.sequence, version: definition.version, packageSha256: definition.packageSha256,
        endorsementPolicy: definition.endorsementPolicy, firstBlock: blockNumber, lastBlock: blockNumber, transactions: 0, reexecuted: 0,
        packageSupplied: this.#packages.has(definition.packageSha256),
      };
      this.definitions.push(span);
    }
    span.lastBlock = blockNumber;
    span.transactions += 1;
    return span;
  }

  async #transaction(
    blockNumber: number, tx: EndorserTransaction, recordedWrites: ReadonlyMap<string, Uint8Array | null>, definition: lifecycle.ChaincodeDefinition,
  ): Promise<AuditFinding[]> {
    const span = this.#span(definition, blockNumber);
    const carried = carriedReadings(tx);
    const findings = checkRecordedReadings(tx, recordedWrites, this.state, blockNumber, carried);
    this.#summary.readingsChecked += carried.length;
    const executor = this.#packages.get(definition.packageSha256);
    if (executor === undefined) {
      const key = `${definition.name}/${definition.sequence}`;
      if (!this.#missingReported.has(key)) {
        this.#missingReported.add(key);
        findings.push({
          code: 'PACKAGE_NOT_SUPPLIED', severity: 'error', blockNumber, txId: tx.txId, recorded: { chaincode: definition.name, sequence: definition.sequence, packageSha256: definition.packageSha256 },
          message: `definition ${definition.name} sequence ${definition.sequence} names package ${definition.packageSha256}, which the auditor did not supply: its transactions are not re-executed`,
        });
      }
      return findings;
    }
    const outcome = await executor.execute(tx, this.state);
    span.reexecuted += 1;
    this.#summary.reexecutedTransactions += 1;
    findings.push(...compareReexecution(blockNumber, tx, outcome));
    return findings;
  }
}
