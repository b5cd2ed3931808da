import '../test-support/quiet-logs.js';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { common, peer as peerProtos } from '@hyperledger/fabric-protos';
import { createDataset, type FleetMeter, type GeneratedReading } from '@speedledger/datasets';
import { createGenesisBlock, generateOrganization, type EnrolledIdentity } from '@speedledger/orderer-bft';
import { ledger, lifecycle, msp, simulation, type msp as mspTypes } from '@speedledger/peer';
import { beforeAll, describe, expect, it } from 'vitest';
import { signedBlock } from '../../../peer/src/delivery/test-support/signed-chain.js';
import { buildEndorserTransaction, type NamespaceSpec } from '../../../peer/src/validation/test-support/endorser-transaction-builder.js';
import { loadApprovedPackage } from '../adapters/approved-package.js';
import { loadApprovedPackagePool } from '../adapters/package-worker-pool.js';
import type { AuditFinding } from './audit-finding.js';
import { AuditState } from './audit-state.js';
import { parseEndorserTransaction } from './endorser-transaction.js';
import { measurementKey, meterKey } from './recorded-readings.js';
import { runAudit, type AuditReport } from './run-audit.js';

/*
 * The audit over real Fabric protobuf blocks built here: a genesis block with four BFT
 * consenters (quorum 3) and four organisations, blocks signed by the consenters' keys, endorser
 * transactions signed by the organisations' peers. Each test spoils one thing.
 */
const CHANNEL = 'speedledger';
const CC = 'lr-chaincode';
const MSPS = ['InmetroMSP', 'PTBMSP', 'LaSIGEMSP', 'CityOperatorMSP'] as const;
const POLICY = "OutOf(1, 'InmetroMSP.peer', 'PTBMSP.peer', 'LaSIGEMSP.peer')";
const NOW = new Date(Date.now() - 86_400_000);
const packageFile = new URL('../../../lr-chaincode/build/lr-chaincode.tar.gz', import.meta.url).pathname;
// The worker threads run the built worker script (a thread runs JavaScript, not these sources).
const workerScript = new URL('../../dist/adapters/reexecution-worker.js', import.meta.url).pathname;

let genesis: common.Block;
const consenters: EnrolledIdentity[] = [];
let impostor: EnrolledIdentity;
const peers = new Map<string, mspTypes.SigningIdentity>();
const clients = new Map<string, mspTypes.SigningIdentity>();
let meters: FleetMeter[] = [];
let readings: GeneratedReading[] = [];

beforeAll(async () => {
  const orgs = [];
  for (const mspId of MSPS) {
    const domain = `${mspId.replace(/MSP$/, '').toLowerCase()}.example.com`;
    const org = await generateOrganization({ mspId, domain, now: NOW });
    orgs.push(org);
    const p = await org.enrol(`peer0.${domain}`, { ou: 'peer' });
    const c = await org.enrol(`user1.${domain}`, { ou: 'client' });
    peers.set(mspId, msp.signingIdentityFromPem(mspId, p.certPem, p.privateKeyPem));
    clients.set(mspId, msp.signingIdentityFromPem(mspId, c.certPem, c.privateKeyPem));
  }
  const ordererOrg = await generateOrganization({ mspId: 'OrdererMSP', domain: 'orderer.example.com', now: NOW });
  for (let i = 0; i < 4; i++) consenters.push(await ordererOrg.enrol(`orderer${i}.orderer.example.com`, { ou: 'orderer' }));
  impostor = await ordererOrg.enrol('impostor.orderer.example.com', { ou: 'orderer' });
  genesis = createGenesisBlock({
    channelId: CHANNEL,
    organizations: orgs.map((o) => ({ mspId: o.mspId, rootCertsPem: [o.ca.certPem] })),
    ordererOrganizations: [{ mspId: 'OrdererMSP', rootCertsPem: [ordererOrg.ca.certPem] }],
    consenters: consenters.map((c, i) => ({ id: i + 1, host: '127.0.0.1', port: 7050 + i, mspId: 'OrdererMSP', certPem: c.certPem })),
  });
  const dataset = createDataset({ meters: 2, readings: 8, seed: 7, mix: 'clean' });
  meters = [...dataset.fleet.meters];
  readings = [...dataset.readings()];
}, 60_000);

interface TxSpec {
  readonly chaincode: string;
  readonly namespaces: readonly NamespaceSpec[];
  readonly endorsers: readonly string[];
  readonly args?: readonly Uint8Array[];
}

function tx(spec: TxSpec): { envelope: Uint8Array; txId: string } {
  return buildEndorserTransaction({
    channelId: CHANNEL, creator: clients.get('CityOperatorMSP')!, chaincode: spec.chaincode, namespaces: spec.namespaces,
    endorsers: spec.endorsers.map((m) => peers.get(m)!), ...(spec.args ? { args: spec.args } : {}),
  });
}

function definitionTx(packageSha256 = 'ab'.repeat(32)): { envelope: Uint8Array; txId: string } {
  const value = lifecycle.encodeDefinition({ name: CC, version: '1.0', sequence: 1, packageSha256, endorsementPolicy: POLICY, applicationPolicy: lifecycle.compileEndorsementPolicy(POLICY) });
  return tx({ chaincode: '_lifecycle', endorsers: ['InmetroMSP', 'PTBMSP', 'LaSIGEMSP'], namespaces: [{ namespace: '_lifecycle', writes: [{ key: `definitions/${CC}`, value: Buffer.from(value).toString('utf8') }] }] });
}

function meterTx(meter: FleetMeter, status: 'ACTIVE' | 'REVOKED', publicKeyHex = meter.publicKeyHex): { envelope: Uint8Array; txId: string } {
  const record = { meterId: meter.meterId, publicKeyHex, site: meter.site, status, registeredTxId: 'r', ...(status === 'REVOKED' ? { revokedTxId: 'pending', revocationReason: 'seal broken' } : {}) };
  return tx({ chaincode: CC, endorsers: ['InmetroMSP'], namespaces: [{ namespace: CC, writes: [{ key: meterKey(meter.meterId), value: JSON.stringify(record) }] }] });
}

/** A measurement the endorsers simulated after the meter's last registry write at (blockNum, txNum) (else MVCC invalidates it). */
function measurementTx(reading: GeneratedReading, endorsers: readonly string[] = ['LaSIGEMSP'], meterVersion = { blockNum: 2, txNum: 0 }): { envelope: Uint8Array; txId: string } {
  const key = measurementKey(reading.truth.meterId, BigInt(reading.truth.seq));
  return tx({
    chaincode: CC, endorsers, args: [Buffer.from('SpeedMeasurement:SubmitReading'), reading.bytes],
    namespaces: [{ namespace: CC, reads: [{ key: meterKey(reading.truth.meterId), version: meterVersion }, { key }], writes: [{ key, value: JSON.stringify({ meterId: reading.truth.meterId, verdict: 'ACCEPTED', speedCentiKmh: 5000 }) }] }],
  });
}

/** Signs each block's envelopes by the consenters (or `signersOf(n)`), chained to the previous block. */
function chain(blocksOfEnvelopes: readonly Uint8Array[][], signersOf: (n: number) => EnrolledIdentity[] = () => consenters, previousOf?: (n: number, blocks: common.Block[]) => common.Block): common.Block[] {
  const blocks = [genesis];
  blocksOfEnvelopes.forEach((envelopes, i) => {
    const n = i + 1;
    const previous = previousOf?.(n, blocks) ?? blocks[n - 1]!;
    blocks.push(common.Block.deserializeBinary(signedBlock(n, previous, envelopes, signersOf(n)).serializeBinary()));
  });
  return blocks;
}

async function* stream(blocks: readonly common.Block[]): AsyncIterable<common.Block> {
  yield* blocks;
}

async function audit(blocks: readonly common.Block[], withPackage = false, reexec: 'direct' | 'shim' = 'direct'): Promise<AuditReport> {
  const packages = withPackage ? [await loadApprovedPackage(packageFile, { reexec })] : [];
  try {
    return await runAudit({ blocks: stream(blocks), packages });
  } finally {
    for (const p of packages) p.close();
  }
}

const codes = (findings: readonly AuditFinding[]): string[] => findings.map((f) => f.code);

describe('audit core over real Fabric blocks', () => {
  it('a well-formed chain passes the chain checks and flags only what it cannot re-execute', async () => {
    const report = await audit(chain([[definitionTx().envelope], [meterTx(meters[0]!, 'ACTIVE').envelope], [measurementTx(readings.find((r) => r.truth.meterId === meters[0]!.meterId)!).envelope]]));
    expect(codes(report.findings)).toEqual(['PACKAGE_NOT_SUPPLIED']);
    expect(report.summary).toMatchObject({ blocks: 4, transactions: 3, validTransactions: 3, readingsChecked: 1 });
    expect(report.checkpoint?.lastBlock).toBe(3);
  });

  it('reports a block whose orderer signatures fall below 2f+1 (one forged by a non-consenter)', async () => {
    const blocks = chain([[definitionTx().envelope], [meterTx(meters[0]!, 'ACTIVE').envelope]], (n) => (n === 2 ? [consenters[0]!, consenters[1]!, impostor] : consenters));
    const report = await audit(blocks);
    const forged = report.findings.filter((f) => f.code === 'INSUFFICIENT_SIGNATURES');
    expect(forged).toHaveLength(1);
    expect(forged[0]).toMatchObject({ blockNumber: 2, severity: 'critical', recomputed: { validSigners: [1, 2], quorum: 3 } });
    expect(report.passed).toBe(false);
  });

  it('does not count a forged signature when 2f+1 genuine ones remain', async () => {
    const blocks = chain([[definitionTx().envelope]], () => [consenters[0]!, consenters[1]!, consenters[2]!, impostor]);
    expect(codes((await audit(blocks)).findings)).toEqual([]);
  });

  it('reports a broken hash chain', async () => {
    const other = chain([[definitionTx().envelope]])[1]!;
    const blocks = chain([[definitionTx().envelope], [meterTx(meters[0]!, 'ACTIVE').envelope]], undefined, (n) => (n === 2 ? other : undefined as never));
    const report = await audit(blocks);
    expect(report.findings.filter((f) => f.code === 'BROKEN_CHAIN')).toMatchObject([{ blockNumber: 2, severity: 'critical' }]);
  });

  it('reports a record of a meter revoked before its block, and a reading whose signature fails the registered key', async () => {
    const [m0, m1] = meters as [FleetMeter, FleetMeter];
    const r0 = readings.find((r) => r.truth.meterId === m0.meterId)!;
    const r1 = readings.find((r) => r.truth.meterId === m1.meterId)!;
    const revoked = measurementTx(r0, ['LaSIGEMSP'], { blockNum: 3, txNum: 0 });
    const wrongKey = measurementTx(r1, ['LaSIGEMSP'], { blockNum: 2, txNum: 1 });
    // block 2 registers both meters (m1 with m0's key), block 3 revokes m0, block 4 records a reading of each
    const blocks = chain([[definitionTx().envelope], [meterTx(m0, 'ACTIVE').envelope, meterTx(m1, 'ACTIVE', m0.publicKeyHex).envelope], [meterTx(m0, 'REVOKED').envelope], [revoked.envelope, wrongKey.envelope]]);
    const report = await audit(blocks);
    expect(report.findings.find((f) => f.code === 'METER_REVOKED_AT_HEIGHT')).toMatchObject({ blockNumber: 4, txId: revoked.txId, meterId: m0.meterId, seq: String(r0.truth.seq), endorsers: ['LaSIGEMSP'] });
    expect(report.findings.find((f) => f.code === 'BAD_METER_SIGNATURE')).toMatchObject({ blockNumber: 4, txId: wrongKey.txId, meterId: m1.meterId });
    expect(report.findings.filter((f) => f.txId === revoked.txId).map((f) => f.code)).toEqual(['METER_REVOKED_AT_HEIGHT']);
  });

  it('a record of a meter revoked AFTER its block is not flagged', async () => {
    const m0 = meters[0]!;
    const r0 = readings.find((r) => r.truth.meterId === m0.meterId)!;
    const report = await audit(chain([[definitionTx().envelope], [meterTx(m0, 'ACTIVE').envelope], [measurementTx(r0).envelope], [meterTx(m0, 'REVOKED').envelope]]));
    expect(codes(report.findings)).toEqual(['PACKAGE_NOT_SUPPLIED']);
  });

  it('reports a transaction committed VALID whose endorsements do not satisfy the definition in force', async () => {
    const r0 = readings.find((r) => r.truth.meterId === meters[0]!.meterId)!;
    const blocks = chain([[definitionTx().envelope], [meterTx(meters[0]!, 'ACTIVE').envelope], [measurementTx(r0, ['CityOperatorMSP']).envelope]]);
    blocks[3] = ledger.withTransactionsFilter(blocks[3]!, Uint8Array.from([peerProtos.TxValidationCode.VALID]));
    const report = await audit(blocks);
    expect(report.findings.filter((f) => f.code === 'ENDORSEMENT_POLICY_NOT_SATISFIED')).toMatchObject([{ blockNumber: 3, recorded: 'VALID', recomputed: 'ENDORSEMENT_POLICY_FAILURE' }]);
  });

  it.skipIf(!existsSync(packageFile))('re-executes the supplied package the definition names: it refuses the revoked meter\'s reading and the hand-made registry writes', async () => {
    const m0 = meters[0]!;
    const r0 = readings.find((r) => r.truth.meterId === m0.meterId)!;
    const revoked = measurementTx(r0, ['LaSIGEMSP'], { blockNum: 3, txNum: 0 });
    const sha = createHash('sha256').update(readFileSync(packageFile)).digest('hex');
    const blocks = chain([[definitionTx(sha).envelope], [meterTx(m0, 'ACTIVE').envelope], [meterTx(m0, 'REVOKED').envelope], [revoked.envelope]]);
    const report = await audit(blocks, true);
    expect(report.definitions).toMatchObject([{ sequence: 1, packageSha256: sha, packageSupplied: true, transactions: 3, reexecuted: 3 }]);
    const ofRevoked = report.findings.filter((f) => f.txId === revoked.txId);
    expect(ofRevoked.map((f) => f.code)).toEqual(['METER_REVOKED_AT_HEIGHT', 'REEXECUTION_REFUSED']);
    expect(JSON.stringify(ofRevoked[1]!.recomputed)).toContain('REVOKED_METER');
    // registry writes no approved code produced (args 'invoke'): each is refused on re-execution
    expect(report.findings.filter((f) => f.txId !== revoked.txId).map((f) => [f.blockNumber, f.code])).toEqual([[2, 'REEXECUTION_REFUSED'], [3, 'REEXECUTION_REFUSED']]);
    // the cross-check mode (fabric-shim's message protocol) reaches the very same findings
    expect((await audit(blocks, true, 'shim')).findings).toEqual(report.findings);
  }, 60_000); // two package installs and loads: seconds on a loaded machine

  it.skipIf(!existsSync(packageFile) || !existsSync(workerScript))('3 worker threads give the report one in-process executor gives, findings in the same order', async () => {
    const [m0, m1] = meters as [FleetMeter, FleetMeter];
    const of = (m: FleetMeter) => readings.filter((r) => r.truth.meterId === m.meterId);
    const sha = createHash('sha256').update(readFileSync(packageFile)).digest('hex');
    // Hand-made records: every re-execution disagrees, so each transaction contributes findings
    // and the order of the report is visible; registrations are refused ('invoke').
    const measurements = (rs: GeneratedReading[]) => rs.map((r) => measurementTx(r, ['LaSIGEMSP'], { blockNum: 2, txNum: r.truth.meterId === m0.meterId ? 0 : 1 }).envelope);
    const blocks = chain([
      [definitionTx(sha).envelope], [meterTx(m0, 'ACTIVE').envelope, meterTx(m1, 'ACTIVE').envelope],
      measurements([...of(m0).slice(0, 2), ...of(m1).slice(0, 2)]), measurements([...of(m1).slice(2), ...of(m0).slice(2)]),
    ]);
    const inProcess = await audit(blocks, true);
    const pool = await loadApprovedPackagePool(packageFile, { workers: 3 });
    let pooled: AuditReport;
    try {
      pooled = await runAudit({ blocks: stream(blocks), packages: [pool] });
    } finally {
      pool.close();
    }
    expect(inProcess.summary).toMatchObject({ reexecutedTransactions: 2 + readings.length, readingsChecked: readings.length });
    expect(codes(inProcess.findings).filter((c) => c === 'RECORD_MISMATCH')).toHaveLength(readings.length);
    expect(JSON.stringify(pooled)).toBe(JSON.stringify(inProcess));
  }, 60_000);

  it.skipIf(!existsSync(packageFile))("replays the endorsers' read of the chaincode's definition (_lifecycle) when they recorded it, and only then", async () => {
    const m0 = meters[0]!;
    const r0 = readings.find((r) => r.truth.meterId === m0.meterId)!;
    const state = new AuditState();
    const definition = lifecycle.encodeDefinition({ name: CC, version: '1.0', sequence: 1, packageSha256: 'ab'.repeat(32), endorsementPolicy: POLICY, applicationPolicy: lifecycle.compileEndorsementPolicy(POLICY) });
    const record = { meterId: m0.meterId, publicKeyHex: m0.publicKeyHex, site: m0.site, status: 'ACTIVE', registeredTxId: 'r' };
    state.apply({ txId: 'd', timestamp: NOW, writes: [{ namespace: '_lifecycle', writes: [{ key: `definitions/${CC}`, value: definition }], metadataWrites: [] }] }, 1, 0);
    state.apply({ txId: 'm', timestamp: NOW, writes: [{ namespace: CC, writes: [{ key: meterKey(m0.meterId), value: Buffer.from(JSON.stringify(record)) }], metadataWrites: [] }] }, 2, 0);
    const recorded = (lifecycleReads: boolean) => parseEndorserTransaction(tx({
      chaincode: CC, endorsers: ['LaSIGEMSP'], args: [Buffer.from('SpeedMeasurement:SubmitReading'), r0.bytes],
      namespaces: [
        ...(lifecycleReads ? [{ namespace: '_lifecycle', reads: [{ key: `definitions/${CC}`, version: { blockNum: 1, txNum: 0 } }] }] : []),
        { namespace: CC, writes: [{ key: 'x', value: 'y' }] },
      ],
    }).envelope)!;
    const executor = await loadApprovedPackage(packageFile);
    try {
      const lifecycleOf = async (t: ReturnType<typeof recorded>) => {
        const outcome = await executor.execute(t, state);
        if (!outcome.ok) throw new Error(outcome.message);
        return simulation.decodeReadWriteSet(outcome.results).namespaces.find((n) => n.namespace === '_lifecycle');
      };
      expect(await lifecycleOf(recorded(true))).toMatchObject({ reads: [{ key: `definitions/${CC}`, version: { blockNum: 1, txNum: 0 } }], writes: [] });
      expect(await lifecycleOf(recorded(false))).toBeUndefined();
    } finally {
      executor.close();
    }
  }, 60_000);
});
