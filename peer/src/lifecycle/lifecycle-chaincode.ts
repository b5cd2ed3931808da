import type { ChaincodeResponse, SystemChaincode, SystemChaincodeCall } from '../chaincode/chaincode-response.js';
import type { TxSimulator } from '../simulation/tx-simulator.js';
import type { ChaincodeDefinition } from './chaincode-definition.js';
import { canonicalJson } from './canonical-json.js';
import {
  decodeDefinition, encodeApproval, encodeDefinition, parseDefinitionParameters, type DefinitionParameters,
} from './definition-codec.js';
import { LifecycleRefusal } from './lifecycle-error.js';
import { approvalKey, definitionKey, LIFECYCLE_NAMESPACE, refusalKey } from './lifecycle-keys.js';

/** What `_lifecycle` needs from the channel and the policy layer. */
export interface LifecycleOptions {
  /** The channel's application organisations (MSP ids) whose approvals count. */
  readonly organizations: readonly string[];
  /** Compiles an endorsement-policy DSL to `peer.ApplicationPolicy` bytes; throws on a bad DSL. */
  compilePolicy(dsl: string): Uint8Array;
  /** True when approvals by exactly these organisations meet the channel's lifecycle approval rule. */
  approvalsSatisfy(approving: readonly string[]): boolean;
  /**
   * The packages installed on this peer (peer-local, as Fabric's QueryInstalledChaincodes);
   * without it that query answers an empty list.
   */
  installedPackages?(): readonly InstalledPackageInfo[];
}

/** A package installed on the peer: Fabric's package id `label:sha256`. */
export interface InstalledPackageInfo {
  readonly packageId: string;
  readonly label: string;
  readonly sha256: string;
}

/** The function names `_lifecycle` answers (args[0]). */
export const LIFECYCLE_FUNCTIONS = [
  'ApproveChaincodeDefinitionForMyOrg', 'CommitChaincodeDefinition', 'QueryChaincodeDefinition', 'QueryChaincodeDefinitions',
  'CheckCommitReadiness', 'RecordPackageRefusal', 'QueryApprovedChaincodeDefinition', 'QueryInstalledChaincodes',
] as const;

const PEER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const SHA256 = /^[0-9a-f]{64}$/;
const encoder = new TextEncoder();

function ok(json: unknown): ChaincodeResponse {
  return { status: 200, message: '', payload: encoder.encode(canonicalJson(json)) };
}

function argument(call: SystemChaincodeCall): unknown {
  const raw = call.args[1];
  if (raw === undefined) throw new LifecycleRefusal('BAD_REQUEST', 'a JSON argument is required in args[1]');
  try {
    return JSON.parse(new TextDecoder().decode(raw));
  } catch {
    throw new LifecycleRefusal('BAD_REQUEST', 'args[1] is not JSON');
  }
}

function field<T>(json: unknown, name: string, check: (v: unknown) => v is T, what: string): T {
  const value = json !== null && typeof json === 'object' ? (json as Record<string, unknown>)[name] : undefined;
  if (!check(value)) throw new LifecycleRefusal('BAD_REQUEST', `${name} must be ${what}`, { field: name });
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isSequence = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;

async function committed(simulator: TxSimulator, name: string): Promise<ChaincodeDefinition | undefined> {
  const bytes = await simulator.getState(LIFECYCLE_NAMESPACE, definitionKey(name));
  return bytes === undefined ? undefined : decodeDefinition(bytes);
}

/**
 * The `_lifecycle` system chaincode: organisations approve a chaincode definition (name,
 * version, sequence, package SHA-256, endorsement policy), the definition is committed once the
 * approvals meet the lifecycle approval rule, and peers record refusals of packages whose
 * fingerprint differs. Pure over the {@link TxSimulator}: everything it reads is in the rwset.
 */
export function createLifecycleChaincode(options: LifecycleOptions): SystemChaincode {
  function compile(parameters: DefinitionParameters): Uint8Array {
    try {
      return options.compilePolicy(parameters.endorsementPolicy);
    } catch (cause) {
      throw new LifecycleRefusal('INVALID_POLICY', `endorsement policy does not compile: ${(cause as Error).message}`, { name: parameters.name });
    }
  }

  async function expectNextSequence(simulator: TxSimulator, parameters: DefinitionParameters): Promise<void> {
    const current = (await committed(simulator, parameters.name))?.sequence ?? 0;
    if (parameters.sequence !== current + 1) {
      throw new LifecycleRefusal('SEQUENCE_MISMATCH', `sequence ${parameters.sequence} of ${parameters.name} must be ${current + 1} (committed: ${current})`, {
        name: parameters.name, sequence: parameters.sequence,
      });
    }
  }

  async function approvals(simulator: TxSimulator, parameters: DefinitionParameters): Promise<Record<string, boolean>> {
    const expected = Buffer.from(encodeApproval(parameters));
    const result: Record<string, boolean> = {};
    for (const mspId of options.organizations) {
      const bytes = await simulator.getState(LIFECYCLE_NAMESPACE, approvalKey(mspId, parameters.name, parameters.sequence));
      result[mspId] = bytes !== undefined && expected.equals(bytes);
    }
    return result;
  }

  const functions: Record<(typeof LIFECYCLE_FUNCTIONS)[number], (call: SystemChaincodeCall) => Promise<ChaincodeResponse>> = {
    async ApproveChaincodeDefinitionForMyOrg(call) {
      if (call.creator.role !== 'admin') {
        throw new LifecycleRefusal('FORBIDDEN', `only an admin of ${call.creator.mspId} may approve (creator role: ${call.creator.role ?? 'none'})`, {
          mspId: call.creator.mspId,
        });
      }
      const parameters = parseDefinitionParameters(argument(call));
      compile(parameters);
      await expectNextSequence(call.simulator, parameters);
      const key = approvalKey(call.creator.mspId, parameters.name, parameters.sequence);
      call.simulator.putState(LIFECYCLE_NAMESPACE, key, encodeApproval(parameters));
      return ok({ approved: call.creator.mspId, name: parameters.name, sequence: parameters.sequence });
    },

    async CommitChaincodeDefinition(call) {
      const parameters = parseDefinitionParameters(argument(call));
      const applicationPolicy = compile(parameters);
      await expectNextSequence(call.simulator, parameters);
      const byOrg = await approvals(call.simulator, parameters);
      const approving = Object.keys(byOrg).filter((mspId) => byOrg[mspId]);
      if (!options.approvalsSatisfy(approving)) {
        throw new LifecycleRefusal('APPROVALS_INSUFFICIENT', `approvals of [${approving.join(', ')}] do not satisfy the lifecycle approval policy`, {
          name: parameters.name, sequence: parameters.sequence,
        });
      }
      call.simulator.putState(LIFECYCLE_NAMESPACE, definitionKey(parameters.name), encodeDefinition({ ...parameters, applicationPolicy }));
      return ok({ committed: parameters.name, sequence: parameters.sequence, approvals: byOrg });
    },

    async QueryChaincodeDefinition(call) {
      const name = field(argument(call), 'name', isString, 'a chaincode name');
      const definition = await committed(call.simulator, name);
      if (definition === undefined) throw new LifecycleRefusal('NOT_FOUND', `chaincode ${name} has no committed definition`, { name });
      const { applicationPolicy: _policy, ...parameters } = definition;
      return ok({ ...parameters, approvals: await approvals(call.simulator, parameters) });
    },

    async QueryChaincodeDefinitions(call) {
      const definitions: unknown[] = [];
      // '0' follows '/' in byte order: the range covers exactly the definitions/ keys.
      for await (const entry of call.simulator.rangeScan(LIFECYCLE_NAMESPACE, 'definitions/', 'definitions0')) {
        const { applicationPolicy: _policy, ...parameters } = decodeDefinition(entry.value);
        definitions.push(parameters);
      }
      return ok({ definitions });
    },

    async CheckCommitReadiness(call) {
      const json = argument(call);
      const inner = json !== null && typeof json === 'object' && 'definition' in json ? (json as { definition: unknown }).definition : json;
      const parameters = parseDefinitionParameters(inner);
      compile(parameters);
      await expectNextSequence(call.simulator, parameters);
      return ok({ approvals: await approvals(call.simulator, parameters) });
    },

    /**
     * The definition the caller's organisation approved for `name` at `sequence` (default: its
     * highest approved sequence), with `source.packageId` (`label:sha256`) when this peer holds
     * that package, as Fabric's `peer lifecycle chaincode queryapproved`.
     */
    async QueryApprovedChaincodeDefinition(call) {
      const json = argument(call);
      const name = field(json, 'name', isString, 'a chaincode name');
      const given = (json as { sequence?: unknown }).sequence;
      if (given !== undefined && !isSequence(given)) throw new LifecycleRefusal('BAD_REQUEST', 'sequence must be an integer ≥ 1', { field: 'sequence' });
      const mspId = call.creator.mspId;
      let bytes: Uint8Array | undefined;
      if (given !== undefined) {
        bytes = await call.simulator.getState(LIFECYCLE_NAMESPACE, approvalKey(mspId, name, given));
      } else {
        let highest = 0;
        // Keys sort as text ('10' before '9'): compare the sequences as numbers.
        for await (const entry of call.simulator.rangeScan(LIFECYCLE_NAMESPACE, `approvals/${mspId}/${name}/`, `approvals/${mspId}/${name}0`)) {
          const sequence = Number(entry.key.slice(entry.key.lastIndexOf('/') + 1));
          if (sequence > highest) [highest, bytes] = [sequence, entry.value];
        }
      }
      if (bytes === undefined) {
        throw new LifecycleRefusal('NOT_FOUND', `${mspId} has approved no definition of ${name}${given === undefined ? '' : ` at sequence ${given}`}`, { name });
      }
      const approved = JSON.parse(new TextDecoder().decode(bytes)) as { packageSha256: string };
      const installed = options.installedPackages?.().find((p) => p.sha256 === approved.packageSha256);
      return ok({ ...approved, approvedBy: mspId, source: installed === undefined ? { unavailable: true } : { packageId: installed.packageId } });
    },

    /**
     * The packages installed on this peer (Fabric's QueryInstalledChaincodes): package id
     * `label:sha256`, label, and the committed definitions that pin each. Admins only, as in Fabric.
     */
    async QueryInstalledChaincodes(call) {
      if (call.creator.role !== 'admin') {
        throw new LifecycleRefusal('FORBIDDEN', `only an admin may query installed chaincodes (creator role: ${call.creator.role ?? 'none'})`, { mspId: call.creator.mspId });
      }
      const definitions: { name: string; version: string; sequence: number; packageSha256: string }[] = [];
      for await (const entry of call.simulator.rangeScan(LIFECYCLE_NAMESPACE, 'definitions/', 'definitions0')) {
        const { name, version, sequence, packageSha256 } = decodeDefinition(entry.value);
        definitions.push({ name, version, sequence, packageSha256 });
      }
      const installedChaincodes = (options.installedPackages?.() ?? []).map((p) => ({
        packageId: p.packageId, label: p.label,
        references: definitions.filter((d) => d.packageSha256 === p.sha256).map(({ name, version, sequence }) => ({ name, version, sequence })),
      }));
      return ok({ installedChaincodes });
    },

    async RecordPackageRefusal(call) {
      if (call.creator.role !== 'peer') {
        throw new LifecycleRefusal('FORBIDDEN', `only a peer may record a package refusal (creator role: ${call.creator.role ?? 'none'})`, {
          mspId: call.creator.mspId,
        });
      }
      const json = argument(call);
      const name = field(json, 'name', isString, 'a chaincode name');
      const sequence = field(json, 'sequence', isSequence, 'an integer ≥ 1');
      const expectedSha256 = field(json, 'expectedSha256', (v): v is string => typeof v === 'string' && SHA256.test(v), '64 lower-case hex digits');
      const actualSha256 = field(json, 'actualSha256', (v): v is string => typeof v === 'string' && SHA256.test(v), '64 lower-case hex digits');
      const peer = field(json, 'peer', (v): v is string => typeof v === 'string' && PEER_NAME.test(v), 'a peer name without "/"');
      const definition = await committed(call.simulator, name);
      if (definition === undefined || definition.sequence !== sequence || definition.packageSha256 !== expectedSha256) {
        throw new LifecycleRefusal('INVALID_DEFINITION', `refusal does not match the committed definition of ${name}`, { name, sequence });
      }
      const record = { name, sequence, expectedSha256, actualSha256, peer, mspId: call.creator.mspId, recordedAt: call.timestamp.toISOString() };
      call.simulator.putState(LIFECYCLE_NAMESPACE, refusalKey(call.creator.mspId, name, sequence, peer), encoder.encode(canonicalJson(record)));
      return ok(record);
    },
  };

  return {
    name: LIFECYCLE_NAMESPACE,
    async invoke(call) {
      const fn = call.args[0] === undefined ? '' : new TextDecoder().decode(call.args[0]);
      const handler = (functions as Record<string, ((c: SystemChaincodeCall) => Promise<ChaincodeResponse>) | undefined>)[fn];
      try {
        if (handler === undefined || !Object.hasOwn(functions, fn)) throw new LifecycleRefusal('BAD_REQUEST', `unknown _lifecycle function '${fn}'`);
        return await handler(call);
      } catch (error) {
        if (error instanceof LifecycleRefusal) return { status: 500, message: error.message, payload: new Uint8Array() };
        throw error;
      }
    },
  };
}
