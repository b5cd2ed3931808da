import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commands as datasetCommands } from '@speedledger/datasets/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portSpan } from '../plan/network-plan.js';
import { packageFingerprint } from '../runtime/chaincode-lifecycle.js';
import { pollUntil } from '../runtime/http-probe.js';
import { downNetwork } from '../runtime/network-control.js';
import { packageCliMain } from '../runtime/process-control.js';
import { readManifest } from '../runtime/manifest-store.js';
import { defaultPackageFile, upNetwork } from '../runtime/up-network.js';
import { freeBasePort } from '../runtime/free-base-port.js';
import { commands } from './index.js';

// The network commands against a deployed network: `up` itself, then chaincode and meter operations.
const ready = existsSync(packageCliMain('@speedledger/peer')) && existsSync(defaultPackageFile());
let dir: string;
let dataDir: string;
let fleetFile: string;

async function run(words: string[], inDir = dataDir): Promise<{ code: number; out: string; err: string }> {
  const command = commands.find((c) => c.path.every((w, i) => words[i] === w))!;
  let out = '';
  let err = '';
  const code = await command.run([...words.slice(command.path.length), '--data-dir', inDir], {
    stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) },
  });
  return { code, out, err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'network-commands-'));
  dataDir = join(dir, 'net');
  const generate = datasetCommands.find((c) => c.path.join(' ') === 'dataset generate')!;
  const quiet = { write: () => true };
  expect(await generate.run(['--meters', '2', '--readings', '2', '--seed', '11', '--out', join(dir, 'dataset')], { stdout: quiet, stderr: quiet })).toBe(0);
  fleetFile = join(dir, 'dataset', 'fleet.json');
  // Same meter ids, other keys: what a fleet regenerated with another seed looks like.
  expect(await generate.run(['--meters', '2', '--readings', '1', '--seed', '12', '--out', join(dir, 'other-dataset')], { stdout: quiet, stderr: quiet })).toBe(0);
});

afterAll(async () => {
  await downNetwork(dataDir, 2000).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

// Under CI everything is built first: a missing build must fail, not skip.
describe.skipIf(!ready && !process.env.CI)('network commands on a deployed network', { timeout: 300_000 }, () => {
  it('up deploys lr-chaincode and prints where everything is; status --json shows the committed definition', async () => {
    const up = await run(['up', '--base-port', String(await freeBasePort(portSpan(4)))]);
    expect(up.err).toContain('governance initialised');
    // Peers catching up after a lifecycle transaction is expected: never printed as a failure.
    expect(up.err).not.toMatch(/failed.*(ENDORSEMENT_MISMATCH|ProposalResponsePayloads)/);
    expect([up.code, up.out]).toEqual([0, expect.stringContaining(`connection profile ${join(dataDir, 'connection-inmetro.json')}`)]);
    type Member = { kind: string; currentBlockHash: string };
    // `up` returns once its last transaction committed on the deploying peer; the others follow.
    const json = await pollUntil(async () => {
      const status = await run(['status', '--json']);
      expect(status.code).toBe(0);
      const parsed = JSON.parse(status.out) as { chaincode: unknown; members: Member[] };
      return new Set(parsed.members.filter((m) => m.kind === 'peer').map((m) => m.currentBlockHash)).size === 1 ? parsed : undefined;
    }, 30_000);
    expect(json).toBeDefined();
    const fingerprint = await packageFingerprint(defaultPackageFile());
    expect(json!.chaincode).toMatchObject({ name: 'lr-chaincode', version: '1.0', sequence: 1, packageSha256: fingerprint, deployed: true });
  });

  it("a second network on this one's ports: status says 'not ours' for every member, up refuses naming the holders and starts nothing", async () => {
    const manifest = await readManifest(dataDir);
    const second = join(dir, 'second');
    await upNetwork({ dataDir: second, basePort: manifest.basePort, start: false });
    const status = await run(['status'], second);
    expect(status.code).toBe(1);
    expect(status.out.match(/NOT OURS \(.* is answered by another process: certificate [0-9a-f]{12}… is not this network's [0-9a-f]{12}…\)/g)).toHaveLength(8);
    expect(status.out).not.toMatch(/ healthy /);
    const up = await run(['up'], second);
    expect([up.code, up.err]).toEqual([1, expect.stringContaining('up failed: PORTS_BUSY: 16 of the network\'s ports are taken; nothing was started or sent')]);
    const peerPid = Number((await readFile(manifest.processes.find((p) => p.kind === 'peer')!.pidFile, 'utf8')).trim());
    expect(up.err).toContain(`(grpc of peer0.inmetro.speedledger.local) is held by pid ${peerPid}: `);
    expect(existsSync(join(second, 'run'))).toBe(false);
    // Refused before anything else happens: the first network was not touched.
    expect((await run(['status'])).code).toBe(0);
  });

  it('meter register, show and revoke as the notified bodies\' registrars', async () => {
    const first = await run(['meter', 'register', '--fleet', fleetFile]);
    expect(first.code).toBe(0);
    expect(first.out.match(/ registered$/gm)).toHaveLength(2);
    // PTB's peer answers from its own ledger: wait until it has committed the registrations.
    expect(await pollUntil(async () => ((await run(['meter', 'show', '--meter', 'SP-000002', '--org', 'ptb'])).code === 0 ? true : undefined), 30_000)).toBe(true);
    const again = await run(['meter', 'register', '--fleet', fleetFile, '--org', 'ptb']);
    expect([again.code, again.out.match(/^SP-\d+ already-registered$/gm)?.length, again.out, again.err]).toEqual([0, 2, again.out, '']);
    const againJson = await run(['meter', 'register', '--fleet', fleetFile, '--org', 'ptb', '--json']);
    expect(againJson.out.trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
      { meterId: 'SP-000001', outcome: 'already-registered' }, { meterId: 'SP-000002', outcome: 'already-registered' },
      { summary: { meters: 2, registered: 0, 'already-registered': 2, conflict: 0, failed: 0 } },
    ]);
    // The same ids with other keys: every reading would be refused BAD_SIGNATURE, so this fails, per meter.
    const conflict = await run(['meter', 'register', '--fleet', join(dir, 'other-dataset', 'fleet.json'), '--org', 'ptb']);
    expect(conflict.code).toBe(1);
    expect(conflict.out.match(/^SP-00000[12] conflict: the ledger holds key [0-9a-f]{16}…, the fleet [0-9a-f]{16}…/gm)).toHaveLength(2);
    expect(conflict.out).toContain('0 of 2 meters on the ledger as in the fleet (registered 0, already-registered 0, conflict 2, failed 0)');
    const notBody = await run(['meter', 'register', '--fleet', fleetFile, '--org', 'lasige']);
    expect([notBody.code, notBody.err]).toEqual([1, expect.stringContaining('UNKNOWN_IDENTITY')]);
    const show = await run(['meter', 'show', '--meter', 'SP-000001', '--org', 'ptb']);
    expect(JSON.parse(show.out)).toMatchObject({ meterId: 'SP-000001', status: 'ACTIVE' });
    const revoke = await run(['meter', 'revoke', '--meter', 'SP-000002', '--reason', 'seal broken', '--org', 'ptb']);
    expect(JSON.parse(revoke.out)).toMatchObject({ meterId: 'SP-000002', status: 'REVOKED', revocationReason: 'seal broken' });
    // Revoked for good: registering the fleet again cannot make it usable, and says so
    // (once Inmetro's peer, which answers the read-back, has committed the revocation).
    expect(await pollUntil(async () => (JSON.parse((await run(['meter', 'show', '--meter', 'SP-000002'])).out).status === 'REVOKED' ? true : undefined), 30_000)).toBe(true);
    const afterRevoke = await run(['meter', 'register', '--fleet', fleetFile]);
    expect([afterRevoke.code, afterRevoke.out.match(/^SP-000002 conflict: .*$/m)?.[0]]).toEqual([1, 'SP-000002 conflict: it is REVOKED on the ledger']);
    const missing = await run(['meter', 'show', '--meter', 'SP-009999']);
    expect([missing.code, missing.err]).toEqual([1, expect.stringContaining('NOT_FOUND')]);
  });

  it('reading submit commits signed readings, refuses a tampered one with BAD_SIGNATURE; reading show reads one back', async () => {
    const readings = (await readdir(join(dir, 'dataset', 'readings'))).filter((f) => f.startsWith('SP-000001-')).sort().map((f) => join(dir, 'dataset', 'readings', f));
    expect(readings.length).toBeGreaterThan(0);
    const tampered = join(dir, 'tampered.dlr');
    const bytes = await readFile(readings[0]!);
    bytes[bytes.length - 100]! ^= 0x01; // a sample bit: the meter's signature no longer covers it
    await writeFile(tampered, bytes);
    const submitted = await run(['reading', 'submit', ...readings, tampered]);
    expect(submitted.code).toBe(1);
    const lines = submitted.out.trim().split('\n').map((l) => JSON.parse(l) as { file: string; measurement?: { meterId: string; seq: string }; error?: { contractCode?: string } });
    expect(lines.filter((l) => l.measurement !== undefined).map((l) => l.file).sort()).toEqual(readings);
    expect(lines.find((l) => l.file === tampered)?.error?.contractCode).toBe('BAD_SIGNATURE');
    const first = lines.find((l) => l.file === readings[0])!.measurement!;
    const shown = await run(['reading', 'show', '--meter', first.meterId, '--seq', first.seq, '--org', 'inmetro']);
    expect([shown.code, shown.err]).toEqual([0, '']);
    const submittedLine = lines.find((l) => l.file === readings[0]) as unknown as { transactionId: string; blockNumber: number };
    expect(JSON.parse(shown.out)).toEqual({ transactionId: submittedLine.transactionId, blockNumber: submittedLine.blockNumber, measurement: first });
    const listed = await run(['reading', 'list', '--meter', first.meterId, '--org', 'inmetro', '--json']);
    expect(listed.code).toBe(0);
    expect(listed.out.trim().split('\n').map((l) => JSON.parse(l) as { seq: string }).map((m) => m.seq).sort()).toEqual(
      lines.filter((l) => l.measurement?.meterId === first.meterId).map((l) => l.measurement!.seq).sort());
    const text = await run(['reading', 'list', '--meter', first.meterId, '--org', 'inmetro', '--page-size', '1']);
    expect(text.out.trim().split('\n')).toHaveLength(1);
    expect(text.out).toMatch(new RegExp(`^${first.meterId} \\d+ \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z (ACCEPTED|INVALIDATED) `));
    const empty = await run(['violation', 'list', '--from', '2100-01-01T00:00:00Z', '--org', 'inmetro']);
    expect([empty.code, empty.out, empty.err]).toEqual([0, '', '0 violations\n']);
    expect((await run(['reading', 'submit'])).code).toBe(2);
    // Batched: one SubmitReadings transaction judges each reading on its own (here: all replays,
    // and the tampered one still refused for its signature).
    const batched = await run(['reading', 'submit', '--batch', '10', ...readings, tampered]);
    expect(batched.code).toBe(1);
    const batchLines = batched.out.trim().split('\n').map((l) => JSON.parse(l) as { file: string; error?: { contractCode?: string; transactionId?: string } });
    if (batchLines.some((l) => l.error?.contractCode === undefined)) {
      console.error('DIAG batched', batched.out, batched.err);
      console.error('DIAG supervisor', await readFile(join(dataDir, 'logs', 'supervisor.log'), 'utf8').catch(() => 'none'));
      console.error('DIAG status', (await run(['status'])).out);
    }
    expect(batchLines.map((l) => [l.file, l.error?.contractCode]).sort()).toEqual([...readings.map((f) => [f, 'REPLAYED_SEQ']), [tampered, 'BAD_SIGNATURE']].sort());
    expect(new Set(batchLines.map((l) => l.error?.transactionId)).size).toBe(1);
  });

  it('chaincode commit is refused without Inmetro and a majority, then succeeds once they approved', async () => {
    const next = ['--sequence', '2', '--version', '1.1'];
    // Each returns once every peer has the approval, and says in which block it committed.
    const committedOnEveryPeer = /^chaincode approve: committed in block \d+; every peer has it\n$/;
    const ptb = await run(['chaincode', 'approve', '--org', 'ptb', ...next]);
    expect([ptb.code, ptb.err]).toEqual([0, expect.stringMatching(committedOnEveryPeer)]);
    const lasige = await run(['chaincode', 'approve', '--org', 'lasige', ...next]);
    expect([lasige.code, lasige.err]).toEqual([0, expect.stringMatching(committedOnEveryPeer)]);
    const refused = await run(['chaincode', 'commit', '--org', 'ptb', ...next]);
    expect([refused.code, refused.err]).toEqual([1, expect.stringContaining('APPROVALS_INSUFFICIENT')]);
    const inmetro = await run(['chaincode', 'approve', '--org', 'inmetro', '--package', defaultPackageFile(), ...next]);
    expect(inmetro.code).toBe(0);
    expect(inmetro.err).toContain(`installed ${join(dataDir, 'data', 'peer0.inmetro', 'chaincodes', 'lr-chaincode.tar.gz')}`);
    expect((await run(['chaincode', 'commit', '--org', 'ptb', ...next])).code).toBe(0);
    // commit returned: every peer already answers with the new definition, none needs polling.
    for (const org of ['ptb', 'inmetro', 'lasige', 'cityoperator']) {
      const list = await run(['chaincode', 'list', '--json', '--org', org]);
      expect(JSON.parse(list.out).definitions, org).toEqual([expect.objectContaining({ name: 'lr-chaincode', version: '1.1', sequence: 2 })]);
    }
  });

  it("answers Fabric's lifecycle read commands: queryinstalled, queryapproved, checkcommitreadiness, querycommitted", async () => {
    const sha256 = await packageFingerprint(defaultPackageFile());
    const packageId = `lr-chaincode_0.1.0:${sha256}`;
    const installed = await run(['chaincode', 'queryinstalled', '--org', 'inmetro']);
    expect([installed.code, installed.out]).toEqual([0, `Installed chaincodes on peer:\nPackage ID: ${packageId}, Label: lr-chaincode_0.1.0, Used by: lr-chaincode 1.1 sequence 2\n`]);
    expect(JSON.parse((await run(['chaincode', 'queryinstalled', '--org', 'ptb', '--json'])).out)).toEqual({
      installedChaincodes: [{ packageId, label: 'lr-chaincode_0.1.0', references: [{ name: 'lr-chaincode', version: '1.1', sequence: 2 }] }],
    });
    const approved = await run(['chaincode', 'queryapproved', '--name', 'lr-chaincode', '--org', 'lasige']);
    expect(approved.out).toContain(`Approved chaincode definition for chaincode 'lr-chaincode' on channel 'speedledger' by LaSIGEMSP:\nsequence: 2, version: 1.1, package-id: ${packageId}, `);
    const first = JSON.parse((await run(['chaincode', 'queryapproved', '--name', 'lr-chaincode', '--sequence', '1', '--org', 'lasige', '--json'])).out);
    expect(first).toMatchObject({ sequence: 1, version: '1.0', packageSha256: sha256, approvedBy: 'LaSIGEMSP' });
    const readiness = await run(['chaincode', 'checkcommitreadiness', '--name', 'lr-chaincode', '--version', '1.2', '--sequence', '3', '--package-id', packageId]);
    expect(readiness.out).toBe("Chaincode definition for chaincode 'lr-chaincode', version '1.2', sequence '3' on channel 'speedledger' approval status by org:\n"
      + 'CityOperatorMSP: false\nInmetroMSP: false\nLaSIGEMSP: false\nPTBMSP: false\n');
    const committed = await run(['chaincode', 'querycommitted', '--name', 'lr-chaincode', '--org', 'cityoperator']);
    expect(committed.out).toMatch(/^Committed chaincode definition for chaincode 'lr-chaincode' on channel 'speedledger':\nName: lr-chaincode, Version: 1\.1, Sequence: 2, Package SHA-256: [0-9a-f]{64}, Endorsement Policy: .*, Approvals: \[CityOperatorMSP: false, InmetroMSP: true, LaSIGEMSP: true, PTBMSP: true\]\n$/);
    const missing = await run(['chaincode', 'queryapproved', '--name', 'nothing']);
    expect([missing.code, missing.err]).toEqual([1, expect.stringContaining('NOT_FOUND')]);
  });
});
