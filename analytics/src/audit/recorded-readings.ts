import { decodeDlr1, parseMeterPublicKey, verifyReadingSignature } from '@speedledger/lr-chaincode/core';
import type { AuditFinding } from './audit-finding.js';
import type { AuditState } from './audit-state.js';
import type { EndorserTransaction } from './endorser-transaction.js';

/** One raw DLR1 reading a measurement transaction carried, as the client sent it. */
export interface CarriedReading {
  readonly bytes: Uint8Array;
}

const SUBMIT_ONE = /^(SpeedMeasurement:)?SubmitReading$/;
const SUBMIT_BATCH = /^(SpeedMeasurement:)?SubmitReadings$/;

/** Composite key as fabric-shim builds it (U+0000 type U+0000 part U+0000 …). */
export function compositeKey(type: string, parts: readonly string[]): string {
  return `\u0000${type}\u0000${parts.map((p) => `${p}\u0000`).join('')}`;
}

/** World-state key of the record of (meterId, seq): lr-chaincode's ledger layout. */
export function measurementKey(meterId: string, seq: bigint): string {
  return compositeKey('measurement', [meterId, seq.toString().padStart(20, '0')]);
}

/** World-state key of a meter's registry record. */
export function meterKey(meterId: string): string {
  return compositeKey('meter', [meterId]);
}

/** The raw readings of a `SubmitReading` / `SubmitReadings` transaction; [] for other functions. */
export function carriedReadings(tx: EndorserTransaction): CarriedReading[] {
  const fn = Buffer.from(tx.args[0] ?? new Uint8Array()).toString('utf8');
  if (SUBMIT_ONE.test(fn) && tx.args[1] !== undefined) return [{ bytes: tx.args[1] }];
  if (!SUBMIT_BATCH.test(fn) || tx.args[1] === undefined) return [];
  try {
    const items = JSON.parse(Buffer.from(tx.args[1]).toString('utf8')) as unknown;
    return Array.isArray(items) ? items.filter((i): i is string => typeof i === 'string').map((i) => ({ bytes: new Uint8Array(Buffer.from(i, 'base64')) })) : [];
  } catch {
    return [];
  }
}

// Parsing a registered key (hex → KeyObject) costs more than verifying one signature with it;
// the registry has a handful of keys per meter over its life, so they are parsed once.
const parsedKeys = new Map<string, ReturnType<typeof parseMeterPublicKey>>();
const PARSED_KEYS_MAX = 100_000;

function meterPublicKey(hex: string): ReturnType<typeof parseMeterPublicKey> {
  let key = parsedKeys.get(hex);
  if (key === undefined) {
    key = parseMeterPublicKey(hex);
    if (parsedKeys.size >= PARSED_KEYS_MAX) parsedKeys.clear();
    parsedKeys.set(hex, key);
  }
  return key;
}

interface RegisteredMeter {
  readonly publicKeyHex: string;
  readonly status: string;
  readonly revokedTxId?: string;
  readonly revocationReason?: string;
}

// A meter's registry record is parsed once per version, not once per reading: the rebuilt
// state holds a new value object for every write of the key, so the value bytes identify the
// record as of a height, and a batch of readings of one meter shares one parse.
const parsedMeters = new WeakMap<Uint8Array, RegisteredMeter>();

function registeredMeter(value: Uint8Array): RegisteredMeter {
  let meter = parsedMeters.get(value);
  if (meter === undefined) {
    meter = JSON.parse(Buffer.from(value).toString('utf8')) as RegisteredMeter;
    parsedMeters.set(value, meter);
  }
  return meter;
}

/**
 * Checks every reading the transaction RECORDED (its measurement key is in the recorded write
 * set) against the meter registry as of the block: the meter existed, was not revoked, and its
 * registered key verifies the reading's signature. Independent of the package re-execution, so
 * a colluding majority that also skipped the signature check in "their" code is still caught.
 * `carried` is the transaction's {@link carriedReadings}, when the caller has them already.
 */
export function checkRecordedReadings(
  tx: EndorserTransaction, recordedWrites: ReadonlyMap<string, Uint8Array | null>, state: AuditState, blockNumber: number,
  carried: readonly CarriedReading[] = carriedReadings(tx),
): AuditFinding[] {
  const findings: AuditFinding[] = [];
  for (const { bytes } of carried) {
    const decoded = decodeDlr1(bytes);
    if (!decoded.ok) continue; // a malformed reading cannot have been recorded under any key
    const { reading } = decoded;
    const key = measurementKey(reading.meterId, reading.seq);
    if (!recordedWrites.has(key) || recordedWrites.get(key) === null) continue;
    const ids = { blockNumber, txId: tx.txId, meterId: reading.meterId, seq: reading.seq.toString(), endorsers: tx.endorserMspIds };
    const entry = state.getSync(tx.chaincodeName, meterKey(reading.meterId));
    if (entry === undefined) {
      findings.push({ code: 'METER_UNKNOWN_AT_HEIGHT', severity: 'critical', ...ids, message: `reading ${reading.meterId}/${reading.seq} was recorded in block ${blockNumber} although no meter ${reading.meterId} was registered at that height` });
      continue;
    }
    const meter = registeredMeter(entry.value);
    if (meter.status !== 'ACTIVE') {
      const revokedIn = state.historyOf(tx.chaincodeName, meterKey(reading.meterId)).find((m) => m.txId === meter.revokedTxId)?.blockNum;
      findings.push({
        code: 'METER_REVOKED_AT_HEIGHT', severity: 'critical', ...ids, recorded: { meterStatus: meter.status, revokedTxId: meter.revokedTxId, revokedInBlock: revokedIn },
        message: `reading ${reading.meterId}/${reading.seq} was recorded in block ${blockNumber} although the meter was revoked${revokedIn === undefined ? '' : ` in block ${revokedIn}`} (${meter.revocationReason ?? 'no reason given'})`,
      });
      continue;
    }
    const key256 = meterPublicKey(meter.publicKeyHex);
    const verdict = 'keyObject' in key256 ? verifyReadingSignature(reading, key256) : { ok: false as const, detail: key256.detail };
    if (!verdict.ok) {
      findings.push({ code: 'BAD_METER_SIGNATURE', severity: 'critical', ...ids, message: `reading ${reading.meterId}/${reading.seq} was recorded but its signature does not verify with the key registered at block ${blockNumber}: ${verdict.detail}` });
    }
  }
  return findings;
}
