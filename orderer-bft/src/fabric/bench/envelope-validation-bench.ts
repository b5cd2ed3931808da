/**
 * Micro-benchmark (a script, not a test) of Broadcast admission and of the request inspector on
 * 1 KB Fabric envelopes, broken down by stage, single-threaded:
 *
 *   npm run build -w orderer-bft && node orderer-bft/dist/fabric/bench/envelope-validation-bench.js [--envelopes 2000] [--creators 1]
 *
 * `--creators` spreads the envelopes over that many enrolled clients (cache behaviour with many
 * certificates). Add `--cpu-prof` to node for a profile.
 */
import { createHash, verify, X509Certificate } from 'node:crypto';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { common, msp } from '@hyperledger/fabric-protos';
import { blockDataHash } from '../block-hash.js';
import type { ChannelMembers } from '../channel-members.js';
import { generateOrganization, type EnrolledIdentity } from '../crypto-material.js';
import { loadPrivateKey, signP256, verifyP256 } from '../ecdsa.js';
import { createEnvelopeInspector } from '../envelope-inspector.js';
import { createFabricAssembler } from '../fabric-assembler.js';
import { clientIdOf, computeTxId, parseEnvelope, type ParsedEnvelope } from '../parse-envelope.js';
import { parseCanonical } from '../proto-parse.js';
import { validateEnvelope } from '../validate-envelope.js';

const { values } = parseArgs({
  options: { envelopes: { type: 'string', default: '2000' }, creators: { type: 'string', default: '1' } },
  strict: true,
});
const count = Number(values.envelopes);
const creatorCount = Number(values.creators);
const NOW = new Date('2026-01-01T00:00:00Z');

const org = await generateOrganization({ mspId: 'Org1MSP', domain: 'org1.example.com', now: NOW });
const clients: EnrolledIdentity[] = [];
for (let i = 0; i < creatorCount; i += 1) clients.push(await org.enrol(`user${i}.org1.example.com`, { ou: 'client' }));
const channel: ChannelMembers = { channelId: 'speedledger', organizations: [{ mspId: 'Org1MSP', rootCertsPem: [org.ca.certPem] }] };
const at = new Date(NOW.getTime() + 86_400_000);

function envelope(client: EnrolledIdentity, i: number): Uint8Array {
  const creator = new msp.SerializedIdentity();
  creator.setMspid(client.mspId);
  creator.setIdBytes(new TextEncoder().encode(client.certPem));
  const creatorBytes = creator.serializeBinary();
  const nonce = createHash('sha256').update(`nonce/${i}`).digest().subarray(0, 24);
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(creatorBytes);
  signatureHeader.setNonce(nonce);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(channel.channelId);
  channelHeader.setTxId(computeTxId(nonce, creatorBytes));
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(new Uint8Array(Math.max(0, 1024 - 2 * client.certPem.length)).fill(i & 0xff));
  const payloadBytes = payload.serializeBinary();
  const env = new common.Envelope();
  env.setPayload(payloadBytes);
  env.setSignature(signP256(loadPrivateKey(client.privateKeyPem), payloadBytes, 'der'));
  return env.serializeBinary();
}

const envelopes = Array.from({ length: count }, (_, i) => envelope(clients[i % clients.length]!, i));
const parsed = envelopes.map((bytes) => parseEnvelope(bytes) as ParsedEnvelope);
const root = new X509Certificate(org.ca.certPem);
const sizes = envelopes.map((e) => e.byteLength).sort((a, b) => a - b);

function measure(name: string, run: (i: number) => unknown): void {
  const started = performance.now();
  for (let i = 0; i < count; i += 1) run(i);
  const us = ((performance.now() - started) * 1000) / count;
  console.log(`${name.padEnd(52)} ${us.toFixed(1).padStart(8)} µs  ${Math.round(1e6 / us).toString().padStart(8)}/s`);
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
console.log(`${count} envelopes of ${sizes[0]}–${sizes.at(-1)} bytes from ${creatorCount} creator(s)`);
console.log('stage (one thread, per envelope)');
measure('parseEnvelope (protobuf)', (i) => parseEnvelope(envelopes[i]!));
measure('new X509Certificate(creator PEM)', (i) => new X509Certificate(Buffer.from(parsed[i]!.creatorIdBytes)));
const certs = parsed.map((p) => new X509Certificate(Buffer.from(p.creatorIdBytes)));
measure('chain: checkIssued + verify(root key)', (i) => certs[i]!.checkIssued(root) && certs[i]!.verify(root.publicKey));
measure('certificate.publicKey (KeyObject)', (i) => certs[i]!.publicKey);
const keys = certs.map((c) => c.publicKey);
const derSignatures = parsed.map((p) => Buffer.from(p.signature));
measure('crypto.verify alone (DER, no low-S check)', (i) => verify('sha256', parsed[i]!.payload, keys[i]!, derSignatures[i]!));
measure('verifyP256 envelope signature', (i) => verifyP256(keys[i]!, parsed[i]!.payload, parsed[i]!.signature, 'der'));
measure('computeTxId + clientIdOf (SHA-256)', (i) => [computeTxId(parsed[i]!.nonce, parsed[i]!.creator), clientIdOf(parsed[i]!)]);
measure('SHA-256 of the whole envelope', (i) => createHash('sha256').update(envelopes[i]!).digest());
const proposal = createFabricAssembler().assemble(envelopes.slice(0, 1000), { sequence: 1, previousHeader: new common.BlockHeader().serializeBinary() });
const perProposal = Math.min(count, 1000);
measure(`disassemble, per envelope of a ${perProposal}-envelope proposal`, (i) => (i % perProposal === 0 ? createFabricAssembler().disassemble(proposal) : undefined));
measure('  the same with google-protobuf parse + re-serialise', (i) => {
  if (i % perProposal !== 0) return undefined;
  const entries = parseCanonical(common.BlockData, proposal.payload)?.getDataList_asU8() ?? [];
  return blockDataHash(entries) && entries.every((e) => parseCanonical(common.Envelope, e) !== undefined);
});
console.log('whole checks');
const fresh = (): ChannelMembers => ({ ...channel });
measure('validateEnvelope, nothing cached (new channel object)', (i) => validateEnvelope(envelopes[i]!, fresh(), { maxBytes: 1 << 20, now: at }));
const warm = fresh();
for (let i = 0; i < creatorCount; i += 1) validateEnvelope(envelope(clients[i]!, count + i), warm, { maxBytes: 1 << 20, now: at });
measure('validateEnvelope, new envelope, creator seen before', (i) => validateEnvelope(envelopes[i]!, warm, { maxBytes: 1 << 20, now: at }));
measure('validateEnvelope, envelope seen before', (i) => validateEnvelope(envelopes[i]!, warm, { maxBytes: 1 << 20, now: at }));
const inspectorWarm = createEnvelopeInspector({ channel: warm, maxBytes: 1 << 20 });
measure('inspector (with channel) after validateEnvelope', (i) => inspectorWarm.inspect(envelopes[i]!));
const other = fresh();
for (let i = 0; i < creatorCount; i += 1) validateEnvelope(envelope(clients[i]!, count + i), other, { maxBytes: 1 << 20, now: at });
const inspectorCold = createEnvelopeInspector({ channel: other, maxBytes: 1 << 20 });
measure('inspector (with channel), envelope not seen before', (i) => inspectorCold.inspect(envelopes[i]!));
