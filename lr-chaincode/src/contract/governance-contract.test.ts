import '../test-support/quiet-logs.js';
import { describe, expect, it } from 'vitest';
import { startTestNetwork, payloadJson, expectOk } from '../test-support/test-network.js';
import { parseContractError } from './contract-error.js';
import { contracts } from './index.js';

describe('Governance', () => {
  it('is initialised once by a notified body registrar and refuses a second init', async () => {
    const { harness, ids } = await startTestNetwork({ contracts, initialise: false });
    const before = await harness.evaluate(ids.cityOperator, 'Governance:Get');
    expect(parseContractError(before.message)?.code).toBe('NOT_INITIALISED');

    const init = expectOk(await harness.submit(ids.inmetroRegistrar, 'Governance:Init', ['{"notifiedBodies":["PTBMSP","InmetroMSP"],"registrationQuorum":2}']));
    expect(payloadJson(init)).toEqual({ notifiedBodies: ['InmetroMSP', 'PTBMSP'], registrationQuorum: 2 });
    expect(init.event?.name).toBe('GovernanceInitialised');

    const again = await harness.submit(ids.ptbRegistrar, 'Governance:Init', ['{"notifiedBodies":["PTBMSP"],"registrationQuorum":1}']);
    expect(parseContractError(again.message)?.code).toBe('ALREADY_EXISTS');
    expect(again.rwset.writes).toEqual([]);
    expect(payloadJson(expectOk(await harness.evaluate(ids.cityOperator, 'Governance:Get')))).toEqual({ notifiedBodies: ['InmetroMSP', 'PTBMSP'], registrationQuorum: 2 });
  });

  it.each([
    ['not JSON', '{'],
    ['no bodies', '{"notifiedBodies":[],"registrationQuorum":1}'],
    ['quorum above bodies', '{"notifiedBodies":["InmetroMSP"],"registrationQuorum":2}'],
    ['duplicate bodies', '{"notifiedBodies":["InmetroMSP","InmetroMSP"],"registrationQuorum":1}'],
    ['unknown field', '{"notifiedBodies":["InmetroMSP"],"registrationQuorum":1,"x":1}'],
  ])('refuses governance with %s (INVALID_ARGUMENT, nothing written)', async (_name, json) => {
    const { harness, ids } = await startTestNetwork({ contracts, initialise: false });
    const result = await harness.submit(ids.inmetroRegistrar, 'Governance:Init', [json]);
    expect(result.status).toBe(500);
    expect(parseContractError(result.message)?.code).toBe('INVALID_ARGUMENT');
    expect(result.rwset.writes).toEqual([]);
  });

  it('refuses init by an organisation that is not among the listed bodies, or by a non-registrar', async () => {
    const { harness, ids } = await startTestNetwork({ contracts, initialise: false });
    const city = await harness.submit(ids.cityRegistrar, 'Governance:Init', ['{"notifiedBodies":["InmetroMSP"],"registrationQuorum":1}']);
    expect(parseContractError(city.message)?.code).toBe('FORBIDDEN');
    const clerk = await harness.submit(ids.inmetroClerk, 'Governance:Init', ['{"notifiedBodies":["InmetroMSP"],"registrationQuorum":1}']);
    expect(parseContractError(clerk.message)?.code).toBe('FORBIDDEN');
    expect(harness.ledger.keys()).toEqual([]);
  });
});
