import { common, msp, orderer } from '@hyperledger/fabric-protos';
import { FabricError } from './errors.js';
import { encodeWire } from './proto-wire.js';
import { decodeBounded } from './wire-prescan.js';

/**
 * Builders for the values and policies of a Fabric channel config, named and laid out as Fabric's
 * `channelconfig` / `configtxgen` encoder writes them. Every value's mod_policy is "Admins".
 */

/** Config group / value / policy keys used by Fabric (`common/channelconfig`). */
export const CONFIG_KEYS = {
  ordererGroup: 'Orderer',
  applicationGroup: 'Application',
  hashingAlgorithm: 'HashingAlgorithm',
  blockDataHashingStructure: 'BlockDataHashingStructure',
  capabilities: 'Capabilities',
  consensusType: 'ConsensusType',
  batchSize: 'BatchSize',
  batchTimeout: 'BatchTimeout',
  channelRestrictions: 'ChannelRestrictions',
  orderers: 'Orderers',
  msp: 'MSP',
  endpoints: 'Endpoints',
  readers: 'Readers',
  writers: 'Writers',
  admins: 'Admins',
  blockValidation: 'BlockValidation',
  endorsement: 'Endorsement',
  lifecycleEndorsement: 'LifecycleEndorsement',
} as const;

const ADMINS = CONFIG_KEYS.admins;

/** A new config group with mod_policy Admins. */
export function configGroup(): common.ConfigGroup {
  const group = new common.ConfigGroup();
  group.setModPolicy(ADMINS);
  return group;
}

/** Sets a config value (serialised message) on a group. */
export function setValue(group: common.ConfigGroup, key: string, value: Uint8Array): void {
  const entry = new common.ConfigValue();
  entry.setValue(value);
  entry.setModPolicy(ADMINS);
  group.getValuesMap().set(key, entry);
}

function setPolicy(group: common.ConfigGroup, key: string, type: number, value: Uint8Array): void {
  const policy = new common.Policy();
  policy.setType(type);
  policy.setValue(value);
  const entry = new common.ConfigPolicy();
  entry.setPolicy(policy);
  entry.setModPolicy(ADMINS);
  group.getPoliciesMap().set(key, entry);
}

/** An ImplicitMeta policy such as "ANY Readers" or "MAJORITY Admins". */
export function setImplicitMetaPolicy(group: common.ConfigGroup, key: string, rule: 'ANY' | 'ALL' | 'MAJORITY', subPolicy: string): void {
  const meta = new common.ImplicitMetaPolicy();
  meta.setSubPolicy(subPolicy);
  meta.setRule(common.ImplicitMetaPolicy.Rule[rule]);
  setPolicy(group, key, common.Policy.PolicyType.IMPLICIT_META, meta.serializeBinary());
}

/**
 * A ready-made signature policy (serialised `common.SignaturePolicyEnvelope`, e.g. compiled from
 * policydsl text by the caller), set as a SIGNATURE policy.
 */
export function setSignaturePolicy(group: common.ConfigGroup, key: string, envelope: Uint8Array): void {
  try {
    decodeBounded(common.SignaturePolicyEnvelope, envelope);
  } catch (cause) {
    throw new FabricError('INVALID_CHANNEL_SPEC', `policy ${key} is not a SignaturePolicyEnvelope`, { policy: key }, cause);
  }
  setPolicy(group, key, common.Policy.PolicyType.SIGNATURE, envelope);
}

/** The MSP roles usable in signature policies. */
export type PolicyRole = 'member' | 'admin' | 'client' | 'peer' | 'orderer';

const ROLE_CODES = { member: 0, admin: 1, client: 2, peer: 3, orderer: 4 } as const;

function nOutOf(n: number, count: number): common.SignaturePolicy {
  const rules = Array.from({ length: count }, (_, i) => {
    const rule = new common.SignaturePolicy();
    rule.setSignedBy(i);
    return rule;
  });
  const inner = new common.SignaturePolicy.NOutOf();
  inner.setN(n);
  inner.setRulesList(rules);
  const policy = new common.SignaturePolicy();
  policy.setNOutOf(inner);
  return policy;
}

/** A signature policy "OR('<msp>.<role>', ...)", as policydsl encodes it. */
export function setRolePolicy(group: common.ConfigGroup, key: string, mspId: string, roles: readonly PolicyRole[]): void {
  const identities = roles.map((role) => {
    const mspRole = new msp.MSPRole();
    mspRole.setMspIdentifier(mspId);
    mspRole.setRole(ROLE_CODES[role]);
    const principal = new msp.MSPPrincipal();
    principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
    principal.setPrincipal(mspRole.serializeBinary());
    return principal;
  });
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setRule(nOutOf(1, roles.length));
  envelope.setIdentitiesList(identities);
  setPolicy(group, key, common.Policy.PolicyType.SIGNATURE, envelope.serializeBinary());
}

/**
 * Fabric's BFT BlockValidation policy (`policies.EncodeBFTBlockVerificationPolicy`): ⌈(n+f+1)/2⌉
 * out of the consenters' serialised identities.
 */
export function setBftBlockValidationPolicy(group: common.ConfigGroup, consenters: readonly { mspId: string; certPem: string }[]): void {
  const n = consenters.length;
  const f = Math.floor((n - 1) / 3);
  const identities = consenters.map((consenter) => {
    const identity = new msp.SerializedIdentity();
    identity.setMspid(consenter.mspId);
    identity.setIdBytes(new TextEncoder().encode(consenter.certPem));
    const principal = new msp.MSPPrincipal();
    principal.setPrincipalClassification(msp.MSPPrincipal.Classification.IDENTITY);
    principal.setPrincipal(identity.serializeBinary());
    return principal;
  });
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setRule(nOutOf(Math.ceil((n + f + 1) / 2), n));
  envelope.setIdentitiesList(identities);
  setPolicy(group, CONFIG_KEYS.blockValidation, common.Policy.PolicyType.SIGNATURE, envelope.serializeBinary());
}

/** `common.Capabilities` with the given capability names. */
export function capabilitiesValue(names: readonly string[]): Uint8Array {
  const capabilities = new common.Capabilities();
  for (const name of [...names].sort()) capabilities.getCapabilitiesMap().set(name, new common.Capability());
  return capabilities.serializeBinary();
}

/** An organisation's MSP definition for the config. */
export interface MspDefinition {
  readonly mspId: string;
  readonly rootCertsPem: readonly string[];
  readonly adminCertsPem?: readonly string[];
  readonly tlsRootCertsPem?: readonly string[];
  /** Classify identities by the OU of their certificate (client/peer/admin/orderer); default true. */
  readonly nodeOus?: boolean;
}

/** `msp.MSPConfig` of type FABRIC (0) wrapping a `msp.FabricMSPConfig`. */
export function mspValue(definition: MspDefinition): Uint8Array {
  const encoder = new TextEncoder();
  const config = new msp.FabricMSPConfig();
  config.setName(definition.mspId);
  config.setRootCertsList(definition.rootCertsPem.map((pem) => encoder.encode(pem)));
  config.setAdminsList((definition.adminCertsPem ?? []).map((pem) => encoder.encode(pem)));
  config.setTlsRootCertsList((definition.tlsRootCertsPem ?? []).map((pem) => encoder.encode(pem)));
  const crypto = new msp.FabricCryptoConfig();
  crypto.setSignatureHashFamily('SHA2');
  crypto.setIdentityIdentifierHashFunction('SHA256');
  config.setCryptoConfig(crypto);
  if (definition.nodeOus ?? true) {
    const root = encoder.encode(definition.rootCertsPem[0] ?? '');
    const ou = (name: string) => {
      const identifier = new msp.FabricOUIdentifier();
      identifier.setCertificate(root);
      identifier.setOrganizationalUnitIdentifier(name);
      return identifier;
    };
    const nodeOus = new msp.FabricNodeOUs();
    nodeOus.setEnable(true);
    nodeOus.setClientOuIdentifier(ou('client'));
    nodeOus.setPeerOuIdentifier(ou('peer'));
    nodeOus.setAdminOuIdentifier(ou('admin'));
    nodeOus.setOrdererOuIdentifier(ou('orderer'));
    config.setFabricNodeOus(nodeOus);
  }
  const value = new msp.MSPConfig();
  value.setType(0);
  value.setConfig(config.serializeBinary());
  return value.serializeBinary();
}

/** Batch cutting parameters of the Orderer group. */
export interface BatchParameters {
  readonly maxMessageCount: number;
  readonly absoluteMaxBytes: number;
  readonly preferredMaxBytes: number;
  /** Go duration string, e.g. "2s" or "500ms". */
  readonly timeout: string;
}

/** `orderer.BatchSize`. */
export function batchSizeValue(batch: BatchParameters): Uint8Array {
  const size = new orderer.BatchSize();
  size.setMaxMessageCount(batch.maxMessageCount);
  size.setAbsoluteMaxBytes(batch.absoluteMaxBytes);
  size.setPreferredMaxBytes(batch.preferredMaxBytes);
  return size.serializeBinary();
}

/** `orderer.BatchTimeout`. */
export function batchTimeoutValue(timeout: string): Uint8Array {
  const value = new orderer.BatchTimeout();
  value.setTimeout(timeout);
  return value.serializeBinary();
}

/** `orderer.ConsensusType` "BFT" in state NORMAL with SmartBFT options as metadata. */
export function consensusTypeValue(batch: BatchParameters): Uint8Array {
  const value = new orderer.ConsensusType();
  value.setType('BFT');
  value.setState(orderer.ConsensusType.State.STATE_NORMAL);
  value.setMetadata(smartBftOptions(batch));
  return value.serializeBinary();
}

/** `orderer.smartbft.Options` (not in fabric-protos 0.3): Fabric's sample defaults, our batch limits, no leader rotation. */
function smartBftOptions(batch: BatchParameters): Uint8Array {
  return encodeWire([
    { field: 1, varint: batch.maxMessageCount },
    { field: 2, varint: batch.absoluteMaxBytes },
    { field: 3, bytes: batch.timeout },
    { field: 4, varint: 200 },
    { field: 5, varint: 100_000 },
    { field: 6, bytes: '2s' },
    { field: 7, bytes: '20s' },
    { field: 8, bytes: '3m0s' },
    { field: 9, varint: batch.absoluteMaxBytes },
    { field: 10, bytes: '5s' },
    { field: 11, bytes: '20s' },
    { field: 12, bytes: '1m0s' },
    { field: 13, varint: 10 },
    { field: 14, bytes: '1s' },
    { field: 17, varint: 1 },
  ]);
}

/** `common.OrdererAddresses` (an orderer organisation's Endpoints value). */
export function endpointsValue(addresses: readonly string[]): Uint8Array {
  const value = new common.OrdererAddresses();
  value.setAddressesList([...addresses]);
  return value.serializeBinary();
}

/** `common.HashingAlgorithm` SHA256. */
export function hashingAlgorithmValue(): Uint8Array {
  const value = new common.HashingAlgorithm();
  value.setName('SHA256');
  return value.serializeBinary();
}

/** `common.BlockDataHashingStructure` with width 2^32 − 1 (the only width Fabric supports). */
export function blockDataHashingStructureValue(): Uint8Array {
  const value = new common.BlockDataHashingStructure();
  value.setWidth(0xffff_ffff);
  return value.serializeBinary();
}
