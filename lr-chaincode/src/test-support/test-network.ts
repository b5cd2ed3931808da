import './quiet-logs.js';
import { ChaincodeHarness, type HarnessOptions, type InvocationResult } from './chaincode-harness.js';
import { createTestOrganisation, type TestIdentity } from './test-identities.js';

/** The identities of the test channel: two notified bodies and a city operator. */
export interface TestIdentities {
  /** InmetroMSP registrar by Fabric-CA attribute `speedledger.role=registrar`. */
  readonly inmetroRegistrar: TestIdentity;
  /** InmetroMSP member without the registrar role. */
  readonly inmetroClerk: TestIdentity;
  /** PTBMSP registrar by OU `registrar` (no attributes). */
  readonly ptbRegistrar: TestIdentity;
  /** CityOperatorMSP client: submits readings. */
  readonly cityOperator: TestIdentity;
  /** CityOperatorMSP identity that carries the registrar attribute but is no notified body. */
  readonly cityRegistrar: TestIdentity;
}

let identities: Promise<TestIdentities> | undefined;

/** The test identities, generated once per process (key generation is the slow part). */
export function testIdentities(): Promise<TestIdentities> {
  identities ??= (async () => {
    const [inmetro, ptb, city] = await Promise.all(['InmetroMSP', 'PTBMSP', 'CityOperatorMSP'].map((m) => createTestOrganisation(m)));
    const registrar = { 'speedledger.role': 'registrar' };
    return {
      inmetroRegistrar: await inmetro!.enrol('registrar1', { attrs: registrar }),
      inmetroClerk: await inmetro!.enrol('clerk1', { attrs: { 'speedledger.role': 'clerk' } }),
      ptbRegistrar: await ptb!.enrol('registrar2', { ou: ['client', 'registrar'] }),
      cityOperator: await city!.enrol('ingest1'),
      cityRegistrar: await city!.enrol('rogue1', { attrs: registrar }),
    };
  })();
  return identities;
}

/** A started harness plus identities, optionally with governance already initialised. */
export interface TestNetwork {
  readonly harness: ChaincodeHarness;
  readonly ids: TestIdentities;
}

/** Throws with the chaincode's message unless the invocation succeeded (and committed, if submitted). */
export function expectOk(result: InvocationResult): InvocationResult {
  if (result.status !== 200 || (result.commitError !== undefined && result.commitError !== null)) {
    throw new Error(`transaction ${result.txId} failed: ${result.status} ${result.message} ${result.commitError ?? ''}`);
  }
  return result;
}

/** Parses an invocation's payload as JSON. */
export function payloadJson<T = unknown>(result: InvocationResult): T {
  return JSON.parse(result.payload.toString('utf8')) as T;
}

/**
 * Starts a harness with `contracts`; with `governance` it is initialised by Inmetro's
 * registrar (notified bodies InmetroMSP and PTBMSP).
 */
export async function startTestNetwork(options: Omit<HarnessOptions, 'contracts'> & { contracts: HarnessOptions['contracts']; quorum?: number; initialise?: boolean }): Promise<TestNetwork> {
  const ids = await testIdentities();
  const harness = await ChaincodeHarness.start(options);
  if (options.initialise !== false) {
    const governance = { notifiedBodies: ['InmetroMSP', 'PTBMSP'], registrationQuorum: options.quorum ?? 2 };
    expectOk(await harness.submit(ids.inmetroRegistrar, 'Governance:Init', [JSON.stringify(governance)]));
  }
  return { harness, ids };
}
