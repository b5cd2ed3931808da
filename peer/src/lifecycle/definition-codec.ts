import type { StateReader } from '../ledger/world-state.js';
import type { ChaincodeDefinition } from './chaincode-definition.js';
import { canonicalJson } from './canonical-json.js';
import { LifecycleRefusal } from './lifecycle-error.js';
import { definitionKey, LIFECYCLE_NAMESPACE } from './lifecycle-keys.js';

/** The fields an organisation approves and the channel commits (the policy as its DSL text). */
export interface DefinitionParameters {
  readonly name: string;
  readonly version: string;
  readonly sequence: number;
  readonly packageSha256: string;
  readonly endorsementPolicy: string;
}

// Fabric's chaincode name rule; it keeps names free of the '/' our keys use as a separator.
const NAME = /^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$/;
const VERSION = /^[A-Za-z0-9_.+-]+$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** Checks a JSON argument is a complete definition; throws INVALID_DEFINITION naming the field. */
export function parseDefinitionParameters(json: unknown): DefinitionParameters {
  const bad = (field: string, why: string): never => {
    throw new LifecycleRefusal('INVALID_DEFINITION', `${field} ${why}`, { field });
  };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return bad('definition', 'must be a JSON object');
  const o = json as Record<string, unknown>;
  const { name, version, sequence, packageSha256, endorsementPolicy } = o;
  if (typeof name !== 'string' || !NAME.test(name)) bad('name', 'must match [a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*');
  if (typeof version !== 'string' || !VERSION.test(version)) bad('version', 'must be a non-empty string of [A-Za-z0-9_.+-]');
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 1) bad('sequence', 'must be an integer ≥ 1');
  if (typeof packageSha256 !== 'string' || !SHA256.test(packageSha256)) bad('packageSha256', 'must be 64 lower-case hex digits');
  if (typeof endorsementPolicy !== 'string' || endorsementPolicy.trim() === '') bad('endorsementPolicy', 'must be a non-empty policy string');
  return {
    name: name as string, version: version as string, sequence: sequence as number,
    packageSha256: packageSha256 as string, endorsementPolicy: endorsementPolicy as string,
  };
}

/** The approval bytes: canonical JSON of exactly the approved fields. */
export function encodeApproval(parameters: DefinitionParameters): Uint8Array {
  const { name, version, sequence, packageSha256, endorsementPolicy } = parameters;
  return new TextEncoder().encode(canonicalJson({ name, version, sequence, packageSha256, endorsementPolicy }));
}

/** The committed-definition bytes: the approved fields plus the compiled policy (base64). */
export function encodeDefinition(definition: ChaincodeDefinition): Uint8Array {
  const { name, version, sequence, packageSha256, endorsementPolicy } = definition;
  const applicationPolicy = Buffer.from(definition.applicationPolicy).toString('base64');
  return new TextEncoder().encode(canonicalJson({ name, version, sequence, packageSha256, endorsementPolicy, applicationPolicy }));
}

/** Parses committed-definition bytes; throws INVALID_DEFINITION if they are not what we write. */
export function decodeDefinition(bytes: Uint8Array): ChaincodeDefinition {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new LifecycleRefusal('INVALID_DEFINITION', 'stored definition is not JSON');
  }
  const parameters = parseDefinitionParameters(json);
  const policy = (json as { applicationPolicy?: unknown }).applicationPolicy;
  if (typeof policy !== 'string' || policy === '') throw new LifecycleRefusal('INVALID_DEFINITION', 'stored definition lacks applicationPolicy');
  return { ...parameters, applicationPolicy: new Uint8Array(Buffer.from(policy, 'base64')) };
}

/** A chaincode's committed definition in `state`, or undefined when none is committed. */
export async function readDefinition(state: Pick<StateReader, 'get'>, name: string): Promise<ChaincodeDefinition | undefined> {
  const entry = await state.get(LIFECYCLE_NAMESPACE, definitionKey(name));
  return entry === undefined ? undefined : decodeDefinition(entry.value);
}
