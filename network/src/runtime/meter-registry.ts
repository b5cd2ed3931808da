import { readFile } from 'node:fs/promises';
import { parseFleetRegistry } from '@speedledger/lr-chaincode/cli';
import { openGatewaySession } from '../adapters/gateway-session.js';
import { NetworkError } from '../errors/network-error.js';
import type { NetworkManifest } from '../manifest/network-manifest.js';
import { GOVERNANCE } from '../plan/network-orgs.js';
import { meterDifferences, type LedgerMeter } from './meter-compare.js';

/** One meter line of `fleet.json` (`speedledger-fleet/1`). */
export interface FleetEntry {
  readonly meterId: string;
  readonly publicKeyHex: string;
  readonly site: unknown;
}

/** Outcome of registering one meter. */
export interface MeterRegistration {
  readonly meterId: string;
  /**
   * `already-registered`: the ledger holds this id with the same key and site; `conflict`: it
   * holds this id with another key or site (a failure: the meter's readings would be refused).
   */
  readonly outcome: 'registered' | 'already-registered' | 'conflict' | 'failed';
  readonly detail?: string;
}

/** Reads and checks a fleet file with lr-chaincode's parser; FLEET_INVALID lists every problem. */
export async function readFleet(path: string): Promise<FleetEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new NetworkError('FLEET_INVALID', `cannot read fleet file ${path}`, { path }, cause);
  }
  const parsed = parseFleetRegistry(text);
  if (Array.isArray(parsed)) throw new NetworkError('FLEET_INVALID', `fleet file ${path}: ${parsed.join('; ')}`, { path });
  return (JSON.parse(text) as { meters: FleetEntry[] }).meters;
}

/**
 * Registers every meter of the fleet as the organisation's registrar (`MeterRegistry:RegisterMeter`),
 * endorsed by the notified bodies' peers (the key-level policy later changes need). A meter already
 * on the ledger is read back: with the same key and site it is reported, not an error; with
 * another key or site it is a `conflict` naming the differences. Other failures are reported per meter.
 */
export async function registerFleet(manifest: NetworkManifest, org: string, fleet: readonly FleetEntry[], chaincode = manifest.chaincode.name): Promise<MeterRegistration[]> {
  const session = await openGatewaySession(manifest, org, 'Registrar');
  const results: MeterRegistration[] = [];
  try {
    for (const meter of fleet) {
      try {
        await session.submit(chaincode, 'MeterRegistry:RegisterMeter', [meter.meterId, meter.publicKeyHex, JSON.stringify(meter.site)], [...GOVERNANCE.notifiedBodies]);
        results.push({ meterId: meter.meterId, outcome: 'registered' });
      } catch (error) {
        const message = (error as Error).message;
        if (!/ALREADY_EXISTS/.test(message)) {
          results.push({ meterId: meter.meterId, outcome: 'failed', detail: message });
          continue;
        }
        try {
          const ledger = JSON.parse(await session.evaluate(chaincode, 'MeterRegistry:GetMeter', [meter.meterId])) as LedgerMeter;
          // A revoked meter stays revoked: its readings are refused, so it is not "on the ledger as in the fleet".
          const differences = [...meterDifferences(meter, ledger), ...(ledger.status === undefined || ledger.status === 'ACTIVE' ? [] : [`it is ${ledger.status} on the ledger`])];
          results.push(differences.length === 0
            ? { meterId: meter.meterId, outcome: 'already-registered' }
            : { meterId: meter.meterId, outcome: 'conflict', detail: differences.join('; ') });
        } catch (readError) {
          results.push({ meterId: meter.meterId, outcome: 'failed', detail: `already registered, but its ledger record cannot be read to compare: ${(readError as Error).message}` });
        }
      }
    }
  } finally {
    session.close();
  }
  return results;
}

/** Revokes a meter as the organisation's registrar; returns the updated meter record (JSON text). */
export async function revokeMeter(manifest: NetworkManifest, org: string, meterId: string, reason: string, chaincode = manifest.chaincode.name): Promise<string> {
  const session = await openGatewaySession(manifest, org, 'Registrar');
  try {
    return await session.submit(chaincode, 'MeterRegistry:RevokeMeter', [meterId, reason], [...GOVERNANCE.notifiedBodies]);
  } finally {
    session.close();
  }
}

/** A meter's record as the organisation's peer has it (JSON text). */
export async function showMeter(manifest: NetworkManifest, org: string, meterId: string, chaincode = manifest.chaincode.name): Promise<string> {
  const session = await openGatewaySession(manifest, org, 'User1');
  try {
    return await session.evaluate(chaincode, 'MeterRegistry:GetMeter', [meterId]);
  } finally {
    session.close();
  }
}
