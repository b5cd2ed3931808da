import { isValidMeterId, parseMeterPublicKey, siteParameterProblems, type SiteParameters } from '../core/index.js';
import { canonicalJson } from './canonical-json.js';
import { ContractError } from './contract-error.js';
import { registrationPolicy } from './endorsement-policy.js';
import { Info, LrContext, LrContract, Returns, Transaction } from './fabric-api.js';
import { KEY_TYPES } from './ledger-keys.js';
import { drainPage, loadGovernance, parsePageSize, readJson, writeJson } from './ledger-store.js';
import type { MeterRecord } from './meter-record.js';
import { requireNotifiedBodyRegistrar } from './registrar-check.js';

/** Validates a meter id argument; INVALID_ARGUMENT otherwise. */
export function requireMeterId(meterId: string): string {
  if (!isValidMeterId(meterId)) throw new ContractError('INVALID_ARGUMENT', `invalid meter id ${JSON.stringify(meterId)}`);
  return meterId;
}

/** World-state key of a meter. */
export function meterKey(ctx: LrContext, meterId: string): string {
  return ctx.stub.createCompositeKey(KEY_TYPES.METER, [meterId]);
}

/** The registered meter or NOT_FOUND / UNKNOWN_METER (per `missingCode`). */
export async function loadMeter(ctx: LrContext, meterId: string, missingCode: 'NOT_FOUND' | 'UNKNOWN_METER' = 'NOT_FOUND'): Promise<MeterRecord> {
  const meter = await readJson<MeterRecord>(ctx, meterKey(ctx, meterId));
  if (!meter) throw new ContractError(missingCode, `meter ${meterId} is not registered`, { meterId });
  return meter;
}

function parseSite(siteJson: string): SiteParameters {
  let site: unknown;
  try {
    site = JSON.parse(siteJson);
  } catch (error) {
    throw new ContractError('INVALID_ARGUMENT', 'site parameters are not JSON', {}, error);
  }
  const problems = siteParameterProblems(site);
  if (problems.length > 0) throw new ContractError('INVALID_ARGUMENT', `site parameters: ${problems.join('; ')}`);
  const s = site as SiteParameters;
  // Only the known fields reach the ledger: nothing unvalidated becomes "metrologically protected".
  return { spacingMm: s.spacingMm, loopLengthMm: s.loopLengthMm, sampleRateHz: s.sampleRateHz, speedLimitKmh: s.speedLimitKmh, location: s.location };
}

/**
 * `MeterRegistry`: the notified bodies' register of meters, keys and site parameters. Every
 * change is a ledger write, so `GetMeterHistory` is the OIML D 31 / WELMEC event log.
 */
@Info({ title: 'MeterRegistry', description: 'Meters, their keys and protected site parameters' })
export class MeterRegistryContract extends LrContract {
  constructor() {
    super('MeterRegistry');
  }

  /**
   * Registers a meter (registrars of notified bodies only) and puts the governance's key-level
   * endorsement policy on its key, so later changes need `registrationQuorum` bodies' peers.
   */
  @Transaction()
  @Returns('string')
  async RegisterMeter(ctx: LrContext, meterId: string, publicKeyHex: string, siteJson: string): Promise<string> {
    const governance = await loadGovernance(ctx);
    const actor = requireNotifiedBodyRegistrar(ctx, governance, 'RegisterMeter');
    requireMeterId(meterId);
    const key = parseMeterPublicKey(publicKeyHex);
    if (!('keyObject' in key)) throw new ContractError('INVALID_ARGUMENT', `public key: ${key.detail}`, { meterId });
    const site = parseSite(siteJson);
    const ledgerKey = meterKey(ctx, meterId);
    const existing = await ctx.stub.getState(ledgerKey);
    if (existing && existing.length > 0) throw new ContractError('ALREADY_EXISTS', `meter ${meterId} is already registered`, { meterId });
    const record: MeterRecord = {
      meterId,
      publicKeyHex: key.hex,
      site,
      status: 'ACTIVE',
      registeredBy: actor,
      registeredTxId: ctx.stub.getTxID(),
      registeredAt: ctx.stub.getDateTimestamp().toISOString(),
    };
    await writeJson(ctx, ledgerKey, record);
    await ctx.stub.setStateValidationParameter(ledgerKey, registrationPolicy(governance));
    ctx.stub.setEvent('MeterRegistered', Buffer.from(canonicalJson({ meterId, publicKeyHex: key.hex, by: actor })));
    return canonicalJson(record);
  }

  /** Revokes a meter for good (registrars of notified bodies only); its readings are refused from then on. */
  @Transaction()
  @Returns('string')
  async RevokeMeter(ctx: LrContext, meterId: string, reason: string): Promise<string> {
    const governance = await loadGovernance(ctx);
    const actor = requireNotifiedBodyRegistrar(ctx, governance, 'RevokeMeter');
    requireMeterId(meterId);
    if (typeof reason !== 'string' || reason.trim().length === 0 || reason.length > 512) {
      throw new ContractError('INVALID_ARGUMENT', 'revocation reason must be 1..512 characters', { meterId });
    }
    const meter = await loadMeter(ctx, meterId);
    if (meter.status === 'REVOKED') throw new ContractError('REVOKED_METER', `meter ${meterId} is already revoked`, { meterId });
    const record: MeterRecord = {
      ...meter,
      status: 'REVOKED',
      revokedBy: actor,
      revokedTxId: ctx.stub.getTxID(),
      revokedAt: ctx.stub.getDateTimestamp().toISOString(),
      revocationReason: reason,
    };
    await writeJson(ctx, meterKey(ctx, meterId), record);
    ctx.stub.setEvent('MeterRevoked', Buffer.from(canonicalJson({ meterId, reason, by: actor })));
    return canonicalJson(record);
  }

  /** One meter (NOT_FOUND when absent). */
  @Transaction(false)
  @Returns('string')
  async GetMeter(ctx: LrContext, meterId: string): Promise<string> {
    return canonicalJson(await loadMeter(ctx, requireMeterId(meterId)));
  }

  /** A page of meters in id order: `{"items":[…],"bookmark":"…"}`; an empty bookmark means the last page. */
  @Transaction(false)
  @Returns('string')
  async ListMeters(ctx: LrContext, pageSize: string, bookmark: string): Promise<string> {
    const page = await drainPage(
      ctx.stub.getStateByPartialCompositeKeyWithPagination(KEY_TYPES.METER, [], parsePageSize(pageSize), bookmark),
      (_key, value) => JSON.parse(Buffer.from(value).toString('utf8')) as MeterRecord,
    );
    return canonicalJson({ items: page.items, bookmark: page.bookmark });
  }

  /** Every committed version of a meter, newest first: who changed what, when (tx id and time). */
  @Transaction(false)
  @Returns('string')
  async GetMeterHistory(ctx: LrContext, meterId: string): Promise<string> {
    requireMeterId(meterId);
    const iterator = await ctx.stub.getHistoryForKey(meterKey(ctx, meterId));
    const entries: unknown[] = [];
    try {
      while (true) {
        const next = await iterator.next();
        if (next.done || !next.value) break;
        const { txId, timestamp, isDelete, value } = next.value;
        const seconds = BigInt(String(timestamp.seconds));
        const at = new Date(Number(seconds * 1000n) + Math.floor(timestamp.nanos / 1e6)).toISOString();
        entries.push({ txId, at, isDelete, record: isDelete ? null : JSON.parse(Buffer.from(value).toString('utf8')) });
      }
    } finally {
      await iterator.close();
    }
    if (entries.length === 0) throw new ContractError('NOT_FOUND', `meter ${meterId} has no history`, { meterId });
    return canonicalJson({ meterId, entries });
  }
}
