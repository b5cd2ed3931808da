import { createHash, X509Certificate } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import { blockDataHash } from './block-hash.js';
import {
  batchSizeValue, batchTimeoutValue, blockDataHashingStructureValue, capabilitiesValue, CONFIG_KEYS, configGroup, consensusTypeValue,
  endpointsValue, hashingAlgorithmValue, mspValue, setBftBlockValidationPolicy, setImplicitMetaPolicy, setRolePolicy, setSignaturePolicy, setValue,
  type BatchParameters, type MspDefinition, type PolicyRole,
} from './config-values.js';
import { encodeOrderers, type ConsenterEndpoint } from './consenter-mapping.js';
import { FabricError } from './errors.js';
import { computeTxId } from './parse-envelope.js';
import { encodeBlockMetadataEntry, ordererBlockMetadataValue } from './block-metadata.js';
import { parseDuration } from './duration.js';

/** An application organisation (transaction submitters, peers). */
export type ApplicationOrganizationSpec = MspDefinition;

/** An orderer organisation, with the endpoints its orderers serve Deliver/Broadcast on. */
export interface OrdererOrganizationSpec extends MspDefinition {
  readonly endpoints?: readonly string[];
}

/** Everything a channel's genesis config says. */
export interface ChannelSpec {
  readonly channelId: string;
  readonly organizations: readonly ApplicationOrganizationSpec[];
  readonly ordererOrganizations: readonly OrdererOrganizationSpec[];
  /** The BFT consenter mapping; replica index i of the core is `consenters[i]`. */
  readonly consenters: readonly ConsenterEndpoint[];
  readonly batch?: Partial<BatchParameters>;
  /** Overrides of the Application group's policies; omitted, configtxgen's defaults apply. */
  readonly application?: ApplicationPolicySpec;
}

/**
 * Optional Application-group policies. Each policy is a serialised
 * `common.SignaturePolicyEnvelope` that replaces the ImplicitMeta default at
 * `/Channel/Application/<name>`.
 */
export interface ApplicationPolicySpec {
  /** `/Channel/Application/LifecycleEndorsement` (default: MAJORITY Endorsement). */
  readonly lifecycleEndorsement?: Uint8Array;
  /** `/Channel/Application/Endorsement` (default: MAJORITY Endorsement). */
  readonly endorsement?: Uint8Array;
  /** Roles of each organisation's Writers policy (default admin, client). */
  readonly writerRoles?: readonly PolicyRole[];
}

/** Fabric's sample-config batch parameters. */
export const DEFAULT_BATCH: BatchParameters = {
  maxMessageCount: 500, absoluteMaxBytes: 10 * 1024 * 1024, preferredMaxBytes: 2 * 1024 * 1024, timeout: '2s',
};

const CHANNEL_ID = /^[a-z][a-z0-9.-]{0,248}$/;

function invalid(message: string, ids: Record<string, string | number> = {}): never {
  throw new FabricError('INVALID_CHANNEL_SPEC', message, ids);
}

function checkSpec(spec: ChannelSpec, batch: BatchParameters): void {
  if (!CHANNEL_ID.test(spec.channelId)) invalid(`channel id '${spec.channelId}' must match ${CHANNEL_ID.source}`);
  const msps = [...spec.organizations, ...spec.ordererOrganizations];
  const mspIds = new Set(msps.map((o) => o.mspId));
  if (mspIds.size !== msps.length) invalid('MSP ids must be unique across organisations');
  for (const org of msps) {
    if (org.mspId === '' || org.rootCertsPem.length === 0) invalid(`organisation '${org.mspId}' needs an id and a root CA`, { mspId: org.mspId });
    for (const pem of org.rootCertsPem) {
      try {
        if (!new X509Certificate(pem).ca) invalid(`root certificate of '${org.mspId}' is not a CA`, { mspId: org.mspId });
      } catch (cause) {
        if (cause instanceof FabricError) throw cause;
        invalid(`root certificate of '${org.mspId}' does not parse`, { mspId: org.mspId });
      }
    }
  }
  if (spec.application?.writerRoles !== undefined && spec.application.writerRoles.length === 0) invalid('application writerRoles must name at least one role');
  if (spec.consenters.length === 0) invalid('a BFT channel needs at least one consenter');
  const ordererMsps = new Set(spec.ordererOrganizations.map((o) => o.mspId));
  const ids = new Set<number>();
  for (const c of spec.consenters) {
    if (!Number.isInteger(c.id) || c.id < 0 || c.id > 0xffff_ffff || ids.has(c.id)) invalid(`consenter id ${c.id} must be a unique uint32`, { consenterId: c.id });
    ids.add(c.id);
    if (!ordererMsps.has(c.mspId)) invalid(`consenter ${c.id} belongs to '${c.mspId}', not an orderer organisation`, { consenterId: c.id });
    if (!Number.isInteger(c.port) || c.port < 1 || c.port > 65_535 || c.host === '') invalid(`consenter ${c.id} needs a host and a port`, { consenterId: c.id });
    try {
      new X509Certificate(c.certPem);
    } catch {
      invalid(`consenter ${c.id} identity does not parse as a certificate`, { consenterId: c.id });
    }
  }
  const { maxMessageCount, absoluteMaxBytes, preferredMaxBytes, timeout } = batch;
  if (![maxMessageCount, absoluteMaxBytes, preferredMaxBytes].every((v) => Number.isInteger(v) && v > 0) || preferredMaxBytes > absoluteMaxBytes) {
    invalid('batch sizes must be positive integers with preferredMaxBytes ≤ absoluteMaxBytes');
  }
  if (parseDuration(timeout) === undefined || parseDuration(timeout) === 0) invalid(`batch timeout '${timeout}' is not a positive Go duration`);
}

function ordererGroup(spec: ChannelSpec, batch: BatchParameters): common.ConfigGroup {
  const group = configGroup();
  setImplicitMetaPolicy(group, CONFIG_KEYS.readers, 'ANY', CONFIG_KEYS.readers);
  setImplicitMetaPolicy(group, CONFIG_KEYS.writers, 'ANY', CONFIG_KEYS.writers);
  setImplicitMetaPolicy(group, CONFIG_KEYS.admins, 'MAJORITY', CONFIG_KEYS.admins);
  setBftBlockValidationPolicy(group, spec.consenters);
  setValue(group, CONFIG_KEYS.batchSize, batchSizeValue(batch));
  setValue(group, CONFIG_KEYS.batchTimeout, batchTimeoutValue(batch.timeout));
  setValue(group, CONFIG_KEYS.capabilities, capabilitiesValue(['V2_0']));
  setValue(group, CONFIG_KEYS.consensusType, consensusTypeValue(batch));
  setValue(group, CONFIG_KEYS.orderers, encodeOrderers(spec.consenters));
  for (const org of [...spec.ordererOrganizations].sort((a, b) => a.mspId.localeCompare(b.mspId))) {
    const orgGroup = configGroup();
    setRolePolicy(orgGroup, CONFIG_KEYS.readers, org.mspId, ['member']);
    setRolePolicy(orgGroup, CONFIG_KEYS.writers, org.mspId, ['member']);
    setRolePolicy(orgGroup, CONFIG_KEYS.admins, org.mspId, ['admin']);
    setValue(orgGroup, CONFIG_KEYS.msp, mspValue(org));
    setValue(orgGroup, CONFIG_KEYS.endpoints, endpointsValue(
      org.endpoints ?? spec.consenters.filter((c) => c.mspId === org.mspId).map((c) => `${c.host}:${c.port}`),
    ));
    group.getGroupsMap().set(org.mspId, orgGroup);
  }
  return group;
}

function applicationGroup(spec: ChannelSpec): common.ConfigGroup {
  const group = configGroup();
  setImplicitMetaPolicy(group, CONFIG_KEYS.readers, 'ANY', CONFIG_KEYS.readers);
  setImplicitMetaPolicy(group, CONFIG_KEYS.writers, 'ANY', CONFIG_KEYS.writers);
  setImplicitMetaPolicy(group, CONFIG_KEYS.admins, 'MAJORITY', CONFIG_KEYS.admins);
  const policies = spec.application;
  if (policies?.endorsement === undefined) setImplicitMetaPolicy(group, CONFIG_KEYS.endorsement, 'MAJORITY', CONFIG_KEYS.endorsement);
  else setSignaturePolicy(group, CONFIG_KEYS.endorsement, policies.endorsement);
  if (policies?.lifecycleEndorsement === undefined) setImplicitMetaPolicy(group, CONFIG_KEYS.lifecycleEndorsement, 'MAJORITY', CONFIG_KEYS.endorsement);
  else setSignaturePolicy(group, CONFIG_KEYS.lifecycleEndorsement, policies.lifecycleEndorsement);
  const writerRoles = policies?.writerRoles ?? ['admin', 'client'];
  setValue(group, CONFIG_KEYS.capabilities, capabilitiesValue(['V2_5']));
  for (const org of [...spec.organizations].sort((a, b) => a.mspId.localeCompare(b.mspId))) {
    const orgGroup = configGroup();
    setRolePolicy(orgGroup, CONFIG_KEYS.readers, org.mspId, ['admin', 'peer', 'client']);
    setRolePolicy(orgGroup, CONFIG_KEYS.writers, org.mspId, writerRoles);
    setRolePolicy(orgGroup, CONFIG_KEYS.admins, org.mspId, ['admin']);
    setRolePolicy(orgGroup, CONFIG_KEYS.endorsement, org.mspId, ['peer']);
    setValue(orgGroup, CONFIG_KEYS.msp, mspValue(org));
    group.getGroupsMap().set(org.mspId, orgGroup);
  }
  return group;
}

/** The channel's root config group (`/Channel`), as configtxgen lays it out for a V3_0 BFT channel. */
export function channelGroup(spec: ChannelSpec): common.ConfigGroup {
  const batch = { ...DEFAULT_BATCH, ...spec.batch };
  checkSpec(spec, batch);
  const group = configGroup();
  setImplicitMetaPolicy(group, CONFIG_KEYS.readers, 'ANY', CONFIG_KEYS.readers);
  setImplicitMetaPolicy(group, CONFIG_KEYS.writers, 'ANY', CONFIG_KEYS.writers);
  setImplicitMetaPolicy(group, CONFIG_KEYS.admins, 'MAJORITY', CONFIG_KEYS.admins);
  setValue(group, CONFIG_KEYS.hashingAlgorithm, hashingAlgorithmValue());
  setValue(group, CONFIG_KEYS.blockDataHashingStructure, blockDataHashingStructureValue());
  setValue(group, CONFIG_KEYS.capabilities, capabilitiesValue(['V3_0']));
  group.getGroupsMap().set(CONFIG_KEYS.applicationGroup, applicationGroup(spec));
  group.getGroupsMap().set(CONFIG_KEYS.ordererGroup, ordererGroup(spec, batch));
  return group;
}

/**
 * The channel's genesis block: block 0 holding one unsigned CONFIG envelope whose payload is a
 * `common.ConfigEnvelope` (as Fabric's genesis factory builds it). Deterministic: the nonce is
 * derived from the config, so every replica building it from the same spec gets the same block.
 * Throws INVALID_CHANNEL_SPEC on an inconsistent spec.
 */
export function createGenesisBlock(spec: ChannelSpec): common.Block {
  const config = new common.Config();
  config.setChannelGroup(channelGroup(spec));
  const configEnvelope = new common.ConfigEnvelope();
  configEnvelope.setConfig(config);
  const configBytes = configEnvelope.serializeBinary();

  const nonce = new Uint8Array(createHash('sha256').update(spec.channelId).update(configBytes).digest().subarray(0, 24));
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setNonce(nonce);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG);
  channelHeader.setChannelId(spec.channelId);
  channelHeader.setTxId(computeTxId(nonce, new Uint8Array(0)));
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(configBytes);
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  const envelopeBytes = envelope.serializeBinary();

  const blockHeader = new common.BlockHeader();
  blockHeader.setNumber(0);
  blockHeader.setDataHash(blockDataHash([envelopeBytes]));
  const data = new common.BlockData();
  data.setDataList([envelopeBytes]);
  const lastConfig = new common.LastConfig();
  lastConfig.setIndex(0);
  const lastConfigEntry = new common.Metadata();
  lastConfigEntry.setValue(lastConfig.serializeBinary());
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList([
    encodeBlockMetadataEntry({ value: ordererBlockMetadataValue(0, 0, 0), signatures: [] }),
    lastConfigEntry.serializeBinary(),
    new Uint8Array(0),
    new Uint8Array(0),
    new Uint8Array(0),
  ]);
  const block = new common.Block();
  block.setHeader(blockHeader);
  block.setData(data);
  block.setMetadata(metadata);
  return block;
}
